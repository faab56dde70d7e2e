'use server';
import type { ActionState } from '@/lib/action-state';
import { guardAction } from '@/lib/server/guard-action';
import { createBackendClient } from '@/lib/backend/client';
import { describeFailure, failureFrom } from '@/lib/backend/problem';
import { loadConfig } from '@/lib/server/config';
import { forwardedClient } from '@/lib/server/session';

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** Public backend routes, called on the visitor's behalf (their address counts for throttling). */
async function publicApi() {
  return createBackendClient({ baseUrl: loadConfig().backendUrl, client: await forwardedClient() });
}

export async function requestPasswordReset(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const email = text(form, 'email').trim();
    if (!email) return { ok: false, errors: { fields: { email: 'Enter your email address.' } } };
    const { response, error } = await (await publicApi()).POST('/api/auth/forgot-password', { body: { email } });
    if (!response.ok) return { ok: false, errors: describeFailure(failureFrom(response, error), { fields: ['email'] }) };
    // The same answer whether or not the account exists, like the backend's.
    return { ok: true, errors: { fields: {} }, message: `If an account exists for ${email}, a link to reset its password is on its way.`, version: Date.now() };
  });
}

export async function resetPassword(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const token = text(form, 'token');
    const newPassword = text(form, 'newPassword');
    const fields: Record<string, string> = {};
    if (!newPassword) fields.newPassword = 'Choose a new password.';
    else if (text(form, 'confirmPassword') !== newPassword) fields.confirmPassword = 'The two passwords do not match.';
    if (Object.keys(fields).length) return { ok: false, errors: { fields } };
    const { response, error } = await (await publicApi()).POST('/api/auth/reset-password', { body: { token, newPassword } });
    if (!response.ok) {
      return {
        ok: false,
        errors: describeFailure(failureFrom(response, error), {
          fields: ['newPassword'],
          messages: { 400: { message: 'This reset link is invalid, has expired or was already used. Ask for a new one.' } },
        }),
      };
    }
    return { ok: true, errors: { fields: {} }, message: 'Your password has been reset, and every device was signed out.', version: Date.now() };
  });
}

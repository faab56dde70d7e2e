'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/action-state';
import { guardAction } from '@/lib/server/guard-action';
import type { Schemas } from '@/lib/backend/client';
import { describeFailure, failureFrom } from '@/lib/backend/problem';
import { deleteLocalUser, endLocalSessions, signOutHere, syncLocalUser } from '@/lib/server/local-auth';
import { backendAs, requireSession } from '@/lib/server/session';

const PATH = '/settings';

/** `checksPassword`: the route answers 401 for a wrong password, not only for a refused token. */
async function signedIn(checksPassword = false) {
  const current = await requireSession(PATH);
  return { current, api: await backendAs(current, PATH, { retryOn401: checksPassword ? 'invalid-token' : 'always' }) };
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

function ok(message: string): ActionState {
  return { ok: true, errors: { fields: {} }, message, version: Date.now() };
}

export async function updateProfile(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const name = text(form, 'name').trim();
    const email = text(form, 'email').trim();
    // The backend asks for it only when the email changes (and ignores it otherwise).
    const currentPassword = text(form, 'currentPassword');
    if (!email) return { ok: false, errors: { fields: { email: 'Enter your email address.' } } };
    const { api } = await signedIn(true);
    const { data, response, error } = await api.PATCH('/api/users/me', {
      body: { name: name || null, email, ...(currentPassword ? { currentPassword } : {}) } satisfies Schemas['UpdateMeDto'],
    });
    if (!data) {
      return {
        ok: false,
        errors: describeFailure(failureFrom(response, error), {
          fields: ['name', 'email', 'currentPassword'],
          messages: {
            401: { field: 'currentPassword', message: 'Your current password is not correct.' },
            409: { field: 'email', message: 'Another account already uses this email address.' },
          },
        }),
      };
    }
    await syncLocalUser(data);
    revalidatePath('/', 'layout');
    return ok('Profile saved.');
  });
}

export async function changePassword(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const currentPassword = text(form, 'currentPassword');
    const newPassword = text(form, 'newPassword');
    const confirmPassword = text(form, 'confirmPassword');
    const fields: Record<string, string> = {};
    if (!currentPassword) fields.currentPassword = 'Enter your current password.';
    if (!newPassword) fields.newPassword = 'Choose a new password.';
    else if (confirmPassword !== newPassword) fields.confirmPassword = 'The two new passwords do not match.';
    if (Object.keys(fields).length) return { ok: false, errors: { fields } };

    const { current, api } = await signedIn(true);
    const { response, error } = await api.POST('/api/auth/change-password', { body: { currentPassword, newPassword } });
    if (!response.ok) {
      return {
        ok: false,
        errors: describeFailure(failureFrom(response, error), {
          fields: ['currentPassword', 'newPassword'],
          messages: { 401: { field: 'currentPassword', message: 'Your current password is not correct.' } },
        }),
      };
    }
    // The backend has revoked every other device's session; end their local sessions too.
    await endLocalSessions(current.user.id, { exceptSessionId: current.session.id });
    revalidatePath(PATH);
    return ok('Password changed. Every other device has been signed out.');
  });
}

export async function revokeSession(backendSessionId: string): Promise<ActionState> {
  return guardAction(async () => {
    const { current, api } = await signedIn();
    const { response, error } = await api.DELETE('/api/auth/sessions/{id}', { params: { path: { id: backendSessionId } } });
    if (!response.ok && response.status !== 404) {
      return { ok: false, errors: describeFailure(failureFrom(response, error), { fields: [] }) };
    }
    await endLocalSessions(current.user.id, { backendSessionId, exceptSessionId: current.session.id });
    revalidatePath(PATH);
    return ok('That device has been signed out.');
  });
}

export async function signOutEverywhere(): Promise<ActionState> {
  return guardAction(async () => {
    const { current, api } = await signedIn();
    const { response, error } = await api.POST('/api/auth/logout-all');
    if (!response.ok) return { ok: false, errors: describeFailure(failureFrom(response, error), { fields: [] }) };
    await endLocalSessions(current.user.id);
    await signOutHere();
    redirect('/login');
  });
}

export async function deleteAccount(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const password = text(form, 'password');
    if (!password) return { ok: false, errors: { fields: { password: 'Enter your password to confirm.' } } };
    if (form.get('confirm') !== 'on') return { ok: false, errors: { fields: { confirm: 'Tick the box to confirm you want to delete everything.' } } };
    const { current, api } = await signedIn(true);
    const { response, error } = await api.DELETE('/api/users/me', { body: { password } });
    if (!response.ok) {
      return {
        ok: false,
        errors: describeFailure(failureFrom(response, error), {
          fields: ['password'],
          messages: { 401: { field: 'password', message: 'That password is not correct.' } },
        }),
      };
    }
    await deleteLocalUser(current.user.id);
    await signOutHere();
    redirect('/?deleted=1');
  });
}

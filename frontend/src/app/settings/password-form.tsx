'use client';
import { useEffect, useRef } from 'react';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { PasswordInput } from '@/components/password-input';
import { Field, SubmitButton } from '@/components/ui';
import { useFocusFirstError } from '@/components/use-focus-error';
import { IDLE } from '@/lib/action-state';
import { changePassword } from './actions';

export function PasswordForm({ email }: { email: string }) {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(changePassword, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state.errors);
  useEffect(() => {
    if (state.version) formRef.current?.reset();
  }, [state.version]);
  const e = state.errors.fields;
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Change password">
      <FormMessage errors={state.errors} id="password-error" />
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} hidden readOnly />
      <Field id="currentPassword" label="Current password" error={e.currentPassword}>
        {(aria) => <PasswordInput {...aria} name="currentPassword" autoComplete="current-password" required invalid={!!e.currentPassword} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="newPassword" label="New password" hint="At least 8 characters." error={e.newPassword}>
          {(aria) => <PasswordInput {...aria} name="newPassword" autoComplete="new-password" required invalid={!!e.newPassword} />}
        </Field>
        <Field id="confirmPassword" label="Repeat new password" error={e.confirmPassword}>
          {(aria) => <PasswordInput {...aria} name="confirmPassword" autoComplete="new-password" required invalid={!!e.confirmPassword} />}
        </Field>
      </div>
      <div className="flex items-center justify-end gap-3">
        <p role="status" className="text-sm text-emerald-700">
          {state.ok ? state.message : ''}
        </p>
        <SubmitButton pending={pending} waitSeconds={secondsLeft}>
          Change password
        </SubmitButton>
      </div>
    </form>
  );
}

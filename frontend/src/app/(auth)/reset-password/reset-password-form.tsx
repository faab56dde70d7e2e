'use client';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { PasswordInput } from '@/components/password-input';
import { Alert, Field, SubmitButton, buttonClass } from '@/components/ui';
import { useFocusFirstError } from '@/components/use-focus-error';
import { IDLE } from '@/lib/action-state';
import { resetPassword } from '../actions';

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(resetPassword, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state.errors);
  const doneRef = useRef<HTMLDivElement>(null);
  // The form, and the button that sent it, give way to the outcome: focus moves there.
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state.ok]);
  if (state.ok) {
    return (
      <div className="space-y-4">
        <Alert ref={doneRef} tone="success">{state.message}</Alert>
        <Link href="/login" className={`${buttonClass('primary')} w-full`}>
          Sign in
        </Link>
      </div>
    );
  }
  const e = state.errors.fields;
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Choose a new password">
      <FormMessage errors={state.errors} id="reset-error" />
      <input type="hidden" name="token" value={token} />
      <Field id="newPassword" label="New password" hint="At least 8 characters." error={e.newPassword}>
        {(aria) => <PasswordInput {...aria} name="newPassword" autoComplete="new-password" required invalid={!!e.newPassword} />}
      </Field>
      <Field id="confirmPassword" label="Repeat new password" error={e.confirmPassword}>
        {(aria) => <PasswordInput {...aria} name="confirmPassword" autoComplete="new-password" required invalid={!!e.confirmPassword} />}
      </Field>
      <SubmitButton pending={pending} waitSeconds={secondsLeft} className="w-full">
        Set new password
      </SubmitButton>
    </form>
  );
}

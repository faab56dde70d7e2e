'use client';
import { useEffect, useRef } from 'react';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { Alert, Field, SubmitButton, controlClass } from '@/components/ui';
import { useFocusFirstError } from '@/components/use-focus-error';
import { IDLE } from '@/lib/action-state';
import { requestPasswordReset } from '../actions';

export function ForgotPasswordForm() {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(requestPasswordReset, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state.errors);
  const doneRef = useRef<HTMLDivElement>(null);
  // The form, and the button that sent it, give way to the outcome: focus moves there.
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state.ok]);
  if (state.ok) return <Alert ref={doneRef} tone="success">{state.message}</Alert>;
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Request a password reset">
      <FormMessage errors={state.errors} id="forgot-error" />
      <Field id="email" label="Email address" error={state.errors.fields.email}>
        {(aria) => <input {...aria} name="email" type="email" autoComplete="email" maxLength={320} required className={controlClass(!!state.errors.fields.email)} />}
      </Field>
      <SubmitButton pending={pending} waitSeconds={secondsLeft} className="w-full">
        Send reset link
      </SubmitButton>
    </form>
  );
}

'use client';
import { useRef } from 'react';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { PasswordInput } from '@/components/password-input';
import { Field, SubmitButton } from '@/components/ui';
import { useFocusFirstError } from '@/components/use-focus-error';
import { IDLE } from '@/lib/action-state';
import { deleteAccount } from './actions';

export function DeleteAccountForm() {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(deleteAccount, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state.errors);
  const e = state.errors.fields;
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Delete account">
      <FormMessage errors={state.errors} id="delete-error" />
      <Field id="delete-password" label="Your password" error={e.password}>
        {(aria) => <PasswordInput {...aria} name="password" autoComplete="current-password" required invalid={!!e.password} />}
      </Field>
      <div className="space-y-1.5">
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            name="confirm"
            aria-invalid={e.confirm ? true : undefined}
            aria-describedby={e.confirm ? 'delete-confirm-error' : undefined}
            className="mt-0.5 size-4 rounded border-slate-300 accent-rose-600"
          />
          I understand that my account and all of my tasks will be deleted for good.
        </label>
        {e.confirm && (
          <p id="delete-confirm-error" className="text-sm text-rose-600">
            {e.confirm}
          </p>
        )}
      </div>
      <div className="flex justify-end">
        <SubmitButton variant="danger" pending={pending} waitSeconds={secondsLeft}>
          Delete my account
        </SubmitButton>
      </div>
    </form>
  );
}

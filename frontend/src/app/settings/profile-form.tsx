'use client';
import { useEffect, useRef } from 'react';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { PasswordInput } from '@/components/password-input';
import { Field, SubmitButton, controlClass } from '@/components/ui';
import { useFocusFirstError } from '@/components/use-focus-error';
import { IDLE } from '@/lib/action-state';
import { updateProfile } from './actions';

export function ProfileForm({ name, email }: { name: string; email: string }) {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(updateProfile, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, state.errors);
  const passwordRef = useRef<HTMLInputElement>(null);
  // A saved profile leaves no password typed into the page.
  useEffect(() => {
    if (state.ok && passwordRef.current) passwordRef.current.value = '';
  }, [state.ok, state.version]);
  const e = state.errors.fields;
  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Profile">
      <FormMessage errors={state.errors} id="profile-error" />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="profile-name" label="Name" error={e.name}>
          {(aria) => <input {...aria} name="name" autoComplete="name" maxLength={100} defaultValue={name} className={controlClass(!!e.name)} />}
        </Field>
        <Field id="profile-email" label="Email address" error={e.email}>
          {(aria) => <input {...aria} name="email" type="email" autoComplete="email" maxLength={320} required defaultValue={email} className={controlClass(!!e.email)} />}
        </Field>
      </div>
      <Field id="profile-current-password" label="Current password" hint="Needed only to change your email address." error={e.currentPassword}>
        {(aria) => <PasswordInput {...aria} ref={passwordRef} name="currentPassword" autoComplete="current-password" invalid={!!e.currentPassword} />}
      </Field>
      <div className="flex items-center justify-end gap-3">
        <p role="status" className="text-sm text-emerald-700">
          {state.ok ? state.message : ''}
        </p>
        <SubmitButton pending={pending} waitSeconds={secondsLeft}>
          Save profile
        </SubmitButton>
      </div>
    </form>
  );
}

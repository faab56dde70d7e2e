'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { FormMessage } from '@/components/form-message';
import { PasswordInput } from '@/components/password-input';
import { Field, SubmitButton, controlClass } from '@/components/ui';
import { useFormErrors } from '@/components/use-form-errors';
import { authClient } from '@/lib/auth-client';
import { describeAuthClientError } from '@/lib/client-errors';

const FIELDS = ['name', 'email', 'password'] as const;

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, setErrors, clear, secondsLeft } = useFormErrors(formRef);
  const [pending, setPending] = useState(false);
  const [emailTaken, setEmailTaken] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const missing: Record<string, string> = {};
    if (!email) missing.email = 'Enter your email address.';
    if (!password) missing.password = 'Choose a password.';
    if (Object.keys(missing).length) return setErrors({ fields: missing });

    clear();
    setEmailTaken(false);
    setPending(true);
    const { error } = await authClient.signUp.backend({ email, password, ...(name ? { name } : {}) });
    if (error) {
      setPending(false);
      setEmailTaken(error.status === 409);
      return setErrors(
        describeAuthClientError(error, {
          fields: FIELDS,
          messages: { 409: { field: 'email', message: 'An account with this email already exists.' } },
        }),
      );
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-5">
      <FormMessage errors={errors} id="register-error" />
      <Field id="name" label="Name (optional)" error={errors.fields.name}>
        {(aria) => <input {...aria} name="name" autoComplete="name" className={controlClass(!!errors.fields.name)} />}
      </Field>
      <Field id="email" label="Email address" error={errors.fields.email}>
        {(aria) => <input {...aria} name="email" type="email" autoComplete="email" maxLength={320} required className={controlClass(!!errors.fields.email)} />}
      </Field>
      {emailTaken && (
        <p className="-mt-3 text-sm text-slate-600">
          <Link href="/login" className="font-medium text-brand-700 hover:underline">
            Sign in instead
          </Link>
        </p>
      )}
      <Field id="password" label="Password" hint="At least 8 characters. A longer passphrase is stronger." error={errors.fields.password}>
        {(aria) => <PasswordInput {...aria} name="password" autoComplete="new-password" required invalid={!!errors.fields.password} />}
      </Field>
      <SubmitButton pending={pending} waitSeconds={secondsLeft} className="w-full">
        {pending ? 'Creating your account…' : 'Create account'}
      </SubmitButton>
    </form>
  );
}

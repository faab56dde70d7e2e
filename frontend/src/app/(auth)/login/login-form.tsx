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

const FIELDS = ['email', 'password'] as const;

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, setErrors, clear, secondsLeft } = useFormErrors(formRef);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const missing: Record<string, string> = {};
    if (!email) missing.email = 'Enter your email address.';
    if (!password) missing.password = 'Enter your password.';
    if (Object.keys(missing).length) return setErrors({ fields: missing });

    clear();
    setPending(true);
    const { error } = await authClient.signIn.backend({ email, password, rememberMe: form.get('rememberMe') === 'on' });
    if (error) {
      setPending(false);
      return setErrors(describeAuthClientError(error, { fields: FIELDS }));
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-5" aria-describedby={errors.form ? 'login-error' : undefined}>
      <FormMessage errors={errors} id="login-error" />
      <Field id="email" label="Email address" error={errors.fields.email}>
        {(aria) => <input {...aria} name="email" type="email" autoComplete="email" maxLength={320} required className={controlClass(!!errors.fields.email)} />}
      </Field>
      <Field id="password" label="Password" error={errors.fields.password}>
        {(aria) => <PasswordInput {...aria} name="password" autoComplete="current-password" required invalid={!!errors.fields.password} />}
      </Field>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="rememberMe" defaultChecked className="size-4 rounded border-slate-300 accent-brand-600" />
          Keep me signed in
        </label>
        <Link href="/forgot-password" className="text-sm font-medium text-brand-700 hover:underline">
          Forgot password?
        </Link>
      </div>
      <SubmitButton pending={pending} waitSeconds={secondsLeft} className="w-full">
        {pending ? 'Signing in…' : 'Sign in'}
      </SubmitButton>
    </form>
  );
}

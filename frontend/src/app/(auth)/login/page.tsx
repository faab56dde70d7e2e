import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthShell } from '@/components/auth-shell';
import { safeCallbackUrl } from '@/lib/callback-url';
import { getCurrentSession } from '@/lib/server/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getCurrentSession()) redirect(callbackUrl);
  const registerHref = callbackUrl === '/dashboard' ? '/register' : `/register?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <AuthShell
      title="Welcome back"
      subtitle="Sign in to see your tasks."
      footer={
        <>
          New here?{' '}
          <Link href={registerHref} className="font-medium text-brand-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <LoginForm callbackUrl={callbackUrl} />
    </AuthShell>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthShell } from '@/components/auth-shell';
import { ResetPasswordForm } from './reset-password-form';

// The single-use token is in this page's URL: do not hand it to other sites as a Referer.
export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <AuthShell
      title="Choose a new password"
      subtitle="Pick something long that you do not use anywhere else."
      footer={
        <Link href="/login" className="font-medium text-brand-700 hover:underline">
          Back to sign in
        </Link>
      }
    >
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <p role="alert" className="text-sm text-rose-700">
          This link is incomplete. Open the link from the email again, or{' '}
          <Link href="/forgot-password" className="font-medium underline">
            ask for a new one
          </Link>
          .
        </p>
      )}
    </AuthShell>
  );
}

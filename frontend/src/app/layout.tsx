import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SessionRenewal } from '@/components/session-renewal';
import { SignOutButton } from '@/components/sign-out-button';
import { buttonClass } from '@/components/ui';
import { cookies } from 'next/headers';
import { sessionRenewalDueAt } from '@/lib/auth/create-auth';
import { getCurrentSession } from '@/lib/server/session';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Tasks', template: '%s · Tasks' },
  description: 'A small, secure task manager.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4f46e5' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const current = await getCurrentSession();
  // A session signed in without "remember me" lasts a day and is never extended: nothing to renew.
  const remembered = !(await cookies()).getAll().some((cookie) => cookie.name.endsWith('better-auth.dont_remember'));
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        {current && remembered ? <SessionRenewal renewAt={sessionRenewalDueAt(new Date(current.session.expiresAt))} /> : null}
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/85 backdrop-blur">
          <nav aria-label="Main" className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
            <Link href={current ? '/dashboard' : '/'} className="flex items-center gap-2 font-semibold text-slate-900">
              <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-brand-600 text-white">
                ✓
              </span>
              <span className="sr-only sm:not-sr-only">Tasks</span>
            </Link>
            {current ? (
              <div className="flex items-center gap-1 sm:gap-2">
                <Link href="/dashboard" className={buttonClass('ghost', 'sm')}>
                  Dashboard
                </Link>
                <Link href="/settings" className={buttonClass('ghost', 'sm')}>
                  Settings
                </Link>
                <span className="hidden max-w-48 truncate text-sm text-slate-500 md:inline" data-testid="signed-in-as">
                  {current.user.name || current.user.email}
                </span>
                <SignOutButton />
              </div>
            ) : (
              <div className="flex items-center gap-2">
                <Link href="/login" className={buttonClass('ghost', 'sm')}>
                  Sign in
                </Link>
                <Link href="/register" className={buttonClass('primary', 'sm')}>
                  Create account
                </Link>
              </div>
            )}
          </nav>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 outline-none sm:px-6 sm:py-10">
          {children}
        </main>
      </body>
    </html>
  );
}

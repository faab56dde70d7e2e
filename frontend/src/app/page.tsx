import Link from 'next/link';
import { buttonClass } from '@/components/ui';
import { getCurrentSession } from '@/lib/server/session';

const FEATURES = [
  {
    title: 'Everything in one list',
    body: 'Priorities, due dates, search and filters keep the next thing to do at the top.',
  },
  {
    title: 'Know where you stand',
    body: 'See what is done, what is pending and what is overdue at a glance.',
  },
  {
    title: 'Your account, under control',
    body: 'See every device that is signed in, sign one out, or all of them at once.',
  },
];

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const [current, { deleted }] = await Promise.all([getCurrentSession(), searchParams]);
  return (
    <div className="space-y-16">
      {deleted === '1' && (
        <p role="status" className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-emerald-200">
          Your account and all of its data have been deleted.
        </p>
      )}
      <section className="mx-auto max-w-3xl pt-6 text-center sm:pt-12">
        <p className="mb-4 inline-flex rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700 ring-1 ring-brand-100">
          Simple. Private. Fast.
        </p>
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-6xl">Get your tasks out of your head.</h1>
        <p className="mx-auto mt-6 max-w-xl text-lg leading-8 text-slate-600">
          Capture what needs doing, decide what matters, and finish it. Tasks keeps your list in sync on every device you
          sign in from.
        </p>
        <div className="mt-10 flex flex-wrap items-center justify-center gap-3">
          {current ? (
            <Link href="/dashboard" className={buttonClass('primary')}>
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link href="/register" className={buttonClass('primary')}>
                Create a free account
              </Link>
              <Link href="/login" className={buttonClass('secondary')}>
                Sign in
              </Link>
            </>
          )}
        </div>
      </section>
      <section aria-labelledby="features-title" className="mx-auto max-w-5xl">
        <h2 id="features-title" className="sr-only">
          Features
        </h2>
        <ul className="grid gap-6 sm:grid-cols-3">
          {FEATURES.map((f) => (
            <li key={f.title} className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
              <h3 className="font-semibold text-slate-900">{f.title}</h3>
              <p className="mt-2 text-sm leading-6 text-slate-600">{f.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-slate-900">This page does not exist</h1>
      <p className="mt-2 text-slate-600">The link may be old, or the address mistyped.</p>
      <Link href="/" className={`${buttonClass('primary')} mt-8`}>
        Back to the start
      </Link>
    </div>
  );
}

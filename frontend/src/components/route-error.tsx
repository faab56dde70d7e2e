'use client';
import { Button } from './ui';

/** What a page shows when the backend could not answer: say so, and offer to try again. */
export function RouteError({ what, retry }: { what: string; retry: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-2xl bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-lg font-semibold text-slate-900">We could not load {what}</h1>
      <p className="mt-2 text-sm text-slate-600">The service may be busy or briefly unavailable. Your data is safe.</p>
      <Button className="mt-6" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}

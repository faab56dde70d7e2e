export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="mx-auto max-w-3xl animate-pulse space-y-8">
      <span className="sr-only">Loading your settings…</span>
      <div className="h-8 w-48 rounded-lg bg-slate-200" />
      {[0, 1, 2].map((i) => (
        <div key={i} className="h-48 rounded-2xl bg-slate-200" />
      ))}
    </div>
  );
}

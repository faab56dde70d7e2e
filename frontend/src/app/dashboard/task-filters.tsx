'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { controlClass, Spinner } from '@/components/ui';
import { PRIORITIES, SORTS, STATUSES, taskQueryString, type TaskQuery } from '@/lib/tasks';

const STATUS_LABELS = { all: 'All tasks', pending: 'Not done', completed: 'Done' } as const;

/** Filters live in the URL; changing one re-renders the list on the server. */
export function TaskFilters({ query }: { query: TaskQuery }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  // What the person has chosen, ahead of the server: two quick changes must not undo each other
  // while the first one's page is still on its way.
  const [values, setValues] = useState(query);
  const [search, setSearch] = useState(query.q);
  const lastSent = useRef(query.q);

  // Navigation from elsewhere (e.g. "Clear filters") moves the controls along.
  useEffect(() => {
    if (pending) return;
    setValues(query);
    // Only a search changed elsewhere replaces the box's text; never what is being typed.
    if (query.q !== lastSent.current) {
      setSearch(query.q);
      lastSent.current = query.q;
    }
  }, [query, pending]);

  function apply(change: Partial<TaskQuery>) {
    const next = { ...values, ...change, page: 1 };
    setValues(next);
    startTransition(() => router.replace(`${pathname}${taskQueryString(next)}`, { scroll: false }));
  }

  // Search as you type, once typing pauses.
  useEffect(() => {
    if (search === lastSent.current) return;
    const timer = setTimeout(() => {
      lastSent.current = search;
      apply({ q: search.trim() });
    }, 350);
    return () => clearTimeout(timer);
  }, [search]);

  return (
    <form
      role="search"
      aria-label="Filter tasks"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_repeat(3,minmax(0,1fr))]"
      onSubmit={(e) => {
        e.preventDefault();
        lastSent.current = search;
        apply({ q: search.trim() });
      }}
    >
      <div className="relative">
        <label htmlFor="filter-q" className="sr-only">
          Search tasks
        </label>
        <input
          id="filter-q"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          placeholder="Search title or description…"
          className={controlClass(false)}
        />
        {pending && <Spinner className="absolute top-2.5 right-3 text-slate-400" />}
      </div>
      <div>
        <label htmlFor="filter-status" className="sr-only">
          Status
        </label>
        <select id="filter-status" value={values.status} onChange={(e) => apply({ status: e.currentTarget.value as TaskQuery['status'] })} className={controlClass(false)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-priority" className="sr-only">
          Priority
        </label>
        <select id="filter-priority" value={values.priority} onChange={(e) => apply({ priority: e.currentTarget.value as TaskQuery['priority'] })} className={controlClass(false)}>
          <option value="all">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p[0]!.toUpperCase() + p.slice(1)} priority
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-sort" className="sr-only">
          Sort by
        </label>
        <select id="filter-sort" value={values.sort} onChange={(e) => apply({ sort: e.currentTarget.value as TaskQuery['sort'] })} className={controlClass(false)}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, buttonClass } from '@/components/ui';
import { backendAs, requireSession } from '@/lib/server/session';
import { isFiltered, PAGE_SIZE, parseTaskQuery, TASK_LIST_HEADING_ID, taskQueryString, todayUtc, type TaskQuery } from '@/lib/tasks';
import { NewTaskForm } from './new-task-form';
import { ListFocus } from './list-focus';
import { TaskFilters } from './task-filters';
import { TaskItem } from './task-item';

export const metadata: Metadata = { title: 'Dashboard' };

function backendQuery(query: TaskQuery) {
  return {
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
    sort: query.sort,
    ...(query.status !== 'all' ? { completed: query.status === 'completed' } : {}),
    ...(query.priority !== 'all' ? { priority: query.priority } : {}),
    ...(query.q ? { q: query.q } : {}),
  };
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = parseTaskQuery(await searchParams);
  const path = `/dashboard${taskQueryString(query)}`;
  const current = await requireSession(path);
  const api = await backendAs(current, path);
  const [tasks, stats] = await Promise.all([api.GET('/api/tasks', { params: { query: backendQuery(query) } }), api.GET('/api/stats')]);
  if (!tasks.data || !stats.data) throw new Error(`The task service answered ${tasks.response.status}/${stats.response.status}`);

  const { total } = tasks.data;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const today = todayUtc();
  const firstName = (current.user.name || '').split(' ')[0];

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{firstName ? `Hi ${firstName}, here are your tasks` : 'Your tasks'}</h1>
        <p className="mt-1 text-sm text-slate-500">Add, tick off and organise what needs doing.</p>
      </div>

      <section aria-labelledby="stats-title">
        <h2 id="stats-title" className="sr-only">
          Summary
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="stats">
          <Stat label="Total" value={stats.data.total} />
          <Stat label="Done" value={stats.data.completed} tone="text-emerald-600" />
          <Stat label="Not done" value={stats.data.pending} tone="text-sky-600" />
          <Stat label="Overdue" value={stats.data.overdue} tone={stats.data.overdue ? 'text-rose-600' : undefined} />
        </dl>
      </section>

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <section aria-labelledby={TASK_LIST_HEADING_ID} className="order-2 space-y-4 lg:order-1">
          <h2 id={TASK_LIST_HEADING_ID} tabIndex={-1} className="text-lg font-semibold text-slate-900">
            Task list
          </h2>
          <TaskFilters query={query} />
          <p role="status" className="text-sm text-slate-500" data-testid="result-count">
            {total === 0 ? 'No tasks' : `${total} task${total === 1 ? '' : 's'}`}
            {isFiltered(query) ? ' match these filters' : ''}
            {pages > 1 ? ` · page ${query.page} of ${pages}` : ''}
          </p>
          <ListFocus shown={`${query.page}:${tasks.data.tasks.map((task) => task.id).join(',')}`} />
          {tasks.data.tasks.length === 0 ? (
            <EmptyState filtered={isFiltered(query)} outOfRange={query.page > pages} />
          ) : (
            <ul className="space-y-3" aria-label="Tasks">
              {tasks.data.tasks.map((task) => (
                // Keyed by id alone: a changed task re-renders in place, so the control the keyboard
                // user just used (its checkbox, its Edit button) keeps focus.
                <TaskItem key={task.id} task={task} today={today} />
              ))}
            </ul>
          )}
          {pages > 1 && <Pagination query={query} pages={pages} />}
        </section>

        <div className="order-1 lg:order-2">
          <Card title="New task" id="new-task" className="lg:sticky lg:top-24">
            <NewTaskForm />
          </Card>
        </div>
      </div>
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: string }) {
  return (
    <div className="rounded-2xl bg-white px-5 py-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className={`mt-1 text-3xl font-semibold tracking-tight ${tone ?? 'text-slate-900'}`}>{value}</dd>
    </div>
  );
}

function EmptyState({ filtered, outOfRange }: { filtered: boolean; outOfRange: boolean }) {
  return (
    <div className="rounded-2xl border-2 border-dashed border-slate-200 px-6 py-12 text-center">
      <p className="font-medium text-slate-900">{filtered || outOfRange ? 'Nothing matches' : 'No tasks yet'}</p>
      <p className="mt-1 text-sm text-slate-500">
        {filtered || outOfRange ? 'Try other filters, or clear them to see every task.' : 'Add your first task with the form — it only needs a title.'}
      </p>
      {(filtered || outOfRange) && (
        <Link href="/dashboard" className={`${buttonClass('secondary', 'sm')} mt-4`}>
          Clear filters
        </Link>
      )}
    </div>
  );
}

function Pagination({ query, pages }: { query: TaskQuery; pages: number }) {
  const prev = query.page > 1 ? `/dashboard${taskQueryString({ ...query, page: query.page - 1 })}` : null;
  const next = query.page < pages ? `/dashboard${taskQueryString({ ...query, page: query.page + 1 })}` : null;
  const disabled = `${buttonClass('secondary', 'sm')} pointer-events-none opacity-50`;
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between pt-2">
      {prev ? (
        <Link href={prev} className={buttonClass('secondary', 'sm')} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          ← Previous
        </span>
      )}
      <span className="text-sm text-slate-600">
        Page {query.page} of {pages}
      </span>
      {next ? (
        <Link href={next} className={buttonClass('secondary', 'sm')} rel="next">
          Next →
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          Next →
        </span>
      )}
    </nav>
  );
}

/** Dashboard query state, as it lives in the URL (so filters survive reloads and can be shared). */
export const SORTS = [
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: 'dueDate', label: 'Due date (soonest)' },
  { value: '-dueDate', label: 'Due date (latest)' },
  { value: '-priority', label: 'Priority (high to low)' },
  { value: 'priority', label: 'Priority (low to high)' },
  { value: 'title', label: 'Title (A–Z)' },
  { value: '-title', label: 'Title (Z–A)' },
] as const;
export type Sort = (typeof SORTS)[number]['value'];

export const PRIORITIES = ['low', 'medium', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ['all', 'pending', 'completed'] as const;
export type Status = (typeof STATUSES)[number];

export const PAGE_SIZE = 10;

/** The dashboard's "Task list" heading: where focus goes once a task is deleted. */
export const TASK_LIST_HEADING_ID = 'list-title';

export interface TaskQuery {
  status: Status;
  priority: Priority | 'all';
  q: string;
  sort: Sort;
  page: number;
}

type Raw = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function parseTaskQuery(raw: Raw): TaskQuery {
  const status = first(raw.status);
  const priority = first(raw.priority);
  const sort = first(raw.sort);
  const page = Number.parseInt(first(raw.page) ?? '1', 10);
  return {
    status: STATUSES.includes(status as Status) ? (status as Status) : 'all',
    priority: PRIORITIES.includes(priority as Priority) ? (priority as Priority) : 'all',
    q: (first(raw.q) ?? '').slice(0, 200),
    sort: SORTS.some((s) => s.value === sort) ? (sort as Sort) : '-createdAt',
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 10_000) : 1,
  };
}

/** The URL query for a state, leaving defaults out so URLs stay short. */
export function taskQueryString(query: TaskQuery): string {
  const params = new URLSearchParams();
  if (query.status !== 'all') params.set('status', query.status);
  if (query.priority !== 'all') params.set('priority', query.priority);
  if (query.q) params.set('q', query.q);
  if (query.sort !== '-createdAt') params.set('sort', query.sort);
  if (query.page > 1) params.set('page', String(query.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function isFiltered(query: TaskQuery): boolean {
  return query.status !== 'all' || query.priority !== 'all' || query.q !== '';
}

/** Today's date in UTC as YYYY-MM-DD: the backend's definition of "overdue" uses UTC days. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function isOverdue(task: { completed: boolean; dueDate?: string | null }, today = todayUtc()): boolean {
  return !task.completed && !!task.dueDate && task.dueDate < today;
}

export function formatDueDate(date: string): string {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { OwnedResourceService } from '../common/owned-resource.service.js';
import { PreparedQueries } from '../database/prepared-queries.js';
import { timestamptzTextToIso } from '../database/timestamptz.js';
import type { ListTasksQuery, TaskResponse, TaskSort, TaskStatsResponse } from './dto/task.dto.js';
import { Task } from './task.entity.js';

/**
 * ORDER BY per sort key; each ends in `id` so pages are stable, and matches a (user_id, …) index.
 * Qualified, because a bare name in ORDER BY means the output column first: `due_date` would sort
 * the `due_date::text` of the select list, which no index serves.
 */
const ORDER_BY: Record<TaskSort, string> = {
  createdAt: 'tasks.created_at ASC, tasks.id ASC',
  '-createdAt': 'tasks.created_at DESC, tasks.id DESC',
  // Tasks without a due date come last whichever way the dates run.
  dueDate: 'tasks.due_date ASC NULLS LAST, tasks.id ASC',
  '-dueDate': 'tasks.due_date DESC NULLS LAST, tasks.id DESC',
  // The task_priority enum sorts by rank: low < medium < high.
  priority: 'tasks.priority ASC, tasks.id ASC',
  '-priority': 'tasks.priority DESC, tasks.id DESC',
  // Ignoring case ("apple" before "Banana"), as tasks_user_title_ci_idx is ordered. lower() folds
  // ASCII letters everywhere, others as the database's LC_CTYPE does; the order beyond case is its collation's.
  title: 'lower(tasks.title) ASC, tasks.title ASC, tasks.id ASC',
  '-title': 'lower(tasks.title) DESC, tasks.title DESC, tasks.id DESC',
};

// Dates and timestamps as PostgreSQL's text: the response wants strings, not Dates (see timestamptz.ts).
const COLUMNS = `id, title, description, completed, priority, due_date::text AS due_date, created_at::text AS created_at, updated_at::text AS updated_at`;

interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: Task['priority'];
  due_date: string | null;
  created_at: string;
  updated_at: string;
  total?: string;
}

export function toTaskResponse(task: Task): TaskResponse {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    completed: task.completed,
    priority: task.priority,
    dueDate: task.dueDate,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

function rowToResponse(row: TaskRow): TaskResponse {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    dueDate: row.due_date,
    createdAt: timestamptzTextToIso(row.created_at),
    updatedAt: timestamptzTextToIso(row.updated_at),
  };
}

/**
 * The statement of one page of an owner's tasks: the filters as parameters, a window count for the
 * total. `where` and `filterValues` are the filters alone (for the count past the last page).
 */
export function taskPageStatement(ownerId: string, query: ListTasksQuery): { text: string; values: unknown[]; where: string; filterValues: unknown[] } {
  const values: unknown[] = [ownerId];
  let where = 'user_id = $1';
  if (query.completed !== undefined) {
    values.push(query.completed);
    where += ` AND completed = $${values.length}`;
  }
  if (query.priority !== undefined) {
    values.push(query.priority);
    where += ` AND priority = $${values.length}`;
  }
  if (query.q) {
    values.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where += ` AND (title ILIKE $${values.length} OR description ILIKE $${values.length})`;
  }
  const filterValues = [...values];
  values.push(query.limit, query.offset);
  const text = `SELECT ${COLUMNS}, count(*) OVER () AS total FROM tasks WHERE ${where} ORDER BY ${ORDER_BY[query.sort]} LIMIT $${values.length - 1} OFFSET $${values.length}`;
  return { text, values, where, filterValues };
}

/** get/create/update/remove come from the owned-resource base; listing and stats are task-specific. */
@Injectable()
export class TasksService extends OwnedResourceService<Task> {
  protected readonly label = 'Task';

  constructor(
    @InjectRepository(Task) private readonly tasks: Repository<Task>,
    private readonly prepared: PreparedQueries,
    private readonly clock: Clock,
  ) {
    super(tasks);
  }

  /**
   * One round trip for page and total (a window count), on the hot path of the API; a second
   * count query only when the offset lies past the last row.
   */
  async search(owner: AuthUser, query: ListTasksQuery): Promise<{ tasks: TaskResponse[]; total: number }> {
    const page = taskPageStatement(owner.id, query);
    // Prepared: the texts are a fixed set (filters present or not × sort keys), the values are parameters.
    const rows = await this.prepared.query<TaskRow>(page.text, page.values);
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && query.offset > 0) {
      const [{ count }] = (await this.tasks.query(`SELECT count(*) AS count FROM tasks WHERE ${page.where}`, page.filterValues)) as { count: string }[];
      total = Number(count);
    }
    return { tasks: rows.map(rowToResponse), total };
  }

  async stats(owner: AuthUser): Promise<TaskStatsResponse> {
    const today = this.clock.now().toISOString().slice(0, 10);
    const [row] = (await this.tasks.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE completed) AS completed,
              count(*) FILTER (WHERE NOT completed AND due_date < $2::date) AS overdue
         FROM tasks WHERE user_id = $1`,
      [owner.id, today],
    )) as { total: string; completed: string; overdue: string }[];
    const total = Number(row.total);
    const completed = Number(row.completed);
    return { total, completed, pending: total - completed, overdue: Number(row.overdue) };
  }
}

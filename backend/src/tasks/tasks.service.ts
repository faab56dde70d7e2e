import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { OwnedResourceService } from '../common/owned-resource.service.js';
import { PreparedQueries } from '../database/prepared-queries.js';
import type { ListTasksQuery, TaskResponse, TaskSort, TaskStatsResponse } from './dto/task.dto.js';
import { Task } from './task.entity.js';

/** ORDER BY per sort key; each ends in `id` so pages are stable, and matches a (user_id, …) index. */
const ORDER_BY: Record<TaskSort, string> = {
  createdAt: 'created_at ASC, id ASC',
  '-createdAt': 'created_at DESC, id DESC',
  // Tasks without a due date come last whichever way the dates run.
  dueDate: 'due_date ASC NULLS LAST, id ASC',
  '-dueDate': 'due_date DESC NULLS LAST, id DESC',
  // The task_priority enum sorts by rank: low < medium < high.
  priority: 'priority ASC, id ASC',
  '-priority': 'priority DESC, id DESC',
  title: 'title ASC, id ASC',
  '-title': 'title DESC, id DESC',
};

const COLUMNS = `id, title, description, completed, priority, due_date::text AS due_date, created_at, updated_at`;

interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: Task['priority'];
  due_date: string | null;
  created_at: Date;
  updated_at: Date;
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
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
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
    const params: unknown[] = [owner.id];
    let where = 'user_id = $1';
    if (query.completed !== undefined) {
      params.push(query.completed);
      where += ` AND completed = $${params.length}`;
    }
    if (query.priority !== undefined) {
      params.push(query.priority);
      where += ` AND priority = $${params.length}`;
    }
    if (query.q) {
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where += ` AND (title ILIKE $${params.length} OR description ILIKE $${params.length})`;
    }
    const filterParams = [...params];
    params.push(query.limit, query.offset);
    // Prepared: the texts are a fixed set (filters present or not × sort keys), the values are parameters.
    const rows = await this.prepared.query<TaskRow>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM tasks WHERE ${where} ORDER BY ${ORDER_BY[query.sort]} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && query.offset > 0) {
      const [{ count }] = (await this.tasks.query(`SELECT count(*) AS count FROM tasks WHERE ${where}`, filterParams)) as { count: string }[];
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

'use server';
import { revalidatePath } from 'next/cache';
import { describeFailure, failureFrom } from '@/lib/backend/problem';
import type { ActionState } from '@/lib/action-state';
import { guardAction } from '@/lib/server/guard-action';
import { backendAs, requireSession } from '@/lib/server/session';
import { PRIORITIES, type Priority } from '@/lib/tasks';

const TASK_FIELDS = ['title', 'description', 'priority', 'dueDate'] as const;
const PATH = '/dashboard';

async function api() {
  const current = await requireSession(PATH);
  return backendAs(current, PATH);
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

function taskFields(form: FormData) {
  const priority = text(form, 'priority');
  return {
    title: text(form, 'title').trim(),
    description: text(form, 'description').trim() || null,
    priority: (PRIORITIES.includes(priority as Priority) ? priority : 'medium') as Priority,
    dueDate: text(form, 'dueDate') || null,
  };
}

function failed(response: Response, error: unknown): ActionState {
  return { ok: false, errors: describeFailure(failureFrom(response, error), { fields: TASK_FIELDS, messages: { 404: { message: 'This task no longer exists.' } } }) };
}

function done(message: string): ActionState {
  revalidatePath(PATH);
  return { ok: true, errors: { fields: {} }, message, version: Date.now() };
}

export async function createTask(_previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const fields = taskFields(form);
    if (!fields.title) return { ok: false, errors: { fields: { title: 'Give the task a title.' } } };
    const client = await api();
    const { title, description, priority, dueDate } = fields;
    const { response, error } = await client.POST('/api/tasks', {
      body: { title, priority, ...(description ? { description } : {}), ...(dueDate ? { dueDate } : {}) },
    });
    return response.ok ? done(`Added “${title}”.`) : failed(response, error);
  });
}

export async function updateTask(id: string, _previous: ActionState, form: FormData): Promise<ActionState> {
  return guardAction(async () => {
    const fields = taskFields(form);
    if (!fields.title) return { ok: false, errors: { fields: { title: 'Give the task a title.' } } };
    const client = await api();
    const { response, error } = await client.PATCH('/api/tasks/{id}', { params: { path: { id } }, body: fields });
    return response.ok ? done(`Saved “${fields.title}”.`) : failed(response, error);
  });
}

export async function setTaskCompleted(id: string, completed: boolean): Promise<ActionState> {
  return guardAction(async () => {
    const client = await api();
    const { response, error } = await client.PATCH('/api/tasks/{id}', { params: { path: { id } }, body: { completed } });
    return response.ok ? done(completed ? 'Marked as done.' : 'Marked as not done.') : failed(response, error);
  });
}

export async function deleteTask(id: string): Promise<ActionState> {
  return guardAction(async () => {
    const client = await api();
    const { response, error } = await client.DELETE('/api/tasks/{id}', { params: { path: { id } } });
    return response.ok || response.status === 404 ? done('Task deleted.') : failed(response, error);
  });
}

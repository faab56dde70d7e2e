'use client';
import { useEffect, useOptimistic, useRef, useState, useTransition } from 'react';
import { FormMessage } from '@/components/form-message';
import { useConfirmation } from '@/components/use-confirmation';
import { answerOf, useFormAction } from '@/components/use-form-action';
import { Badge, Button, SubmitButton, cx } from '@/components/ui';
import { IDLE } from '@/lib/action-state';
import type { Schemas } from '@/lib/backend/client';
import { formatDueDate, isOverdue, TASK_LIST_HEADING_ID } from '@/lib/tasks';
import { deleteTask, setTaskCompleted, updateTask } from './actions';
import { TaskFields } from './task-fields';

type Task = Schemas['TaskResponse'];

const PRIORITY_TONE = { low: 'slate', medium: 'sky', high: 'rose' } as const;

export function TaskItem({ task, today }: { task: Task; today: string }) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    // Closing the editor puts focus back where the keyboard user started.
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  return (
    <li className="group rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 transition hover:ring-slate-300" data-testid="task" data-task-title={task.title}>
      {editing ? <EditTask task={task} onDone={() => setEditing(false)} /> : <TaskView task={task} today={today} onEdit={() => setEditing(true)} editButton={editButton} />}
    </li>
  );
}

function TaskView({ task, today, onEdit, editButton }: { task: Task; today: string; onEdit: () => void; editButton: React.Ref<HTMLButtonElement> }) {
  const [completed, setCompletedOptimistic] = useOptimistic(task.completed);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const { confirming, ask, cancel, trigger, onKeyDown } = useConfirmation();
  const overdue = isOverdue({ completed, dueDate: task.dueDate }, today);
  const checkboxId = `task-${task.id}-done`;

  function toggle(next: boolean) {
    setError(null);
    startTransition(async () => {
      setCompletedOptimistic(next);
      const result = await answerOf(setTaskCompleted(task.id, next));
      if (!result.ok) setError(result.errors.form ?? 'Could not update the task.');
    });
  }

  function remove() {
    setError(null);
    startTransition(async () => {
      const result = await answerOf(deleteTask(task.id));
      // The task, and the button that deleted it, are gone: the list's heading takes focus, and
      // the list's result count (a live region) says how many are left.
      if (result.ok) {
        document.getElementById(TASK_LIST_HEADING_ID)?.focus();
      } else {
        cancel();
        setError(result.errors.form ?? 'Could not delete the task.');
      }
    });
  }

  return (
    <div className="flex items-start gap-3" aria-busy={pending || undefined}>
      <input
        id={checkboxId}
        type="checkbox"
        checked={completed}
        // Not `disabled`: a disabled element loses focus, and the keyboard user their place in the list.
        aria-disabled={pending || undefined}
        onChange={(e) => {
          if (!pending) toggle(e.currentTarget.checked);
        }}
        className="mt-1 size-5 shrink-0 rounded border-slate-300 text-brand-600 accent-brand-600 aria-disabled:opacity-50"
      />
      <div className="min-w-0 flex-1">
        <label htmlFor={checkboxId} className={cx('block font-medium break-words', completed ? 'text-slate-500 line-through' : 'text-slate-900')}>
          {task.title}
          <span className="sr-only">{completed ? ' (done)' : ''}</span>
        </label>
        {task.description && <p className="mt-1 text-sm break-words whitespace-pre-line text-slate-600">{task.description}</p>}
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <Badge tone={PRIORITY_TONE[task.priority]}>{task.priority[0]!.toUpperCase() + task.priority.slice(1)} priority</Badge>
          {task.dueDate && <Badge tone={overdue ? 'rose' : 'slate'}>{overdue ? 'Overdue · ' : 'Due '}{formatDueDate(task.dueDate)}</Badge>}
          {completed && <Badge tone="green">Done</Badge>}
        </div>
        {error && (
          <p role="alert" className="mt-2 text-sm text-rose-600">
            {error}
          </p>
        )}
      </div>
      <div className="flex shrink-0 items-center gap-1">
        {confirming ? (
          <div role="group" aria-label={`Delete “${task.title}”?`} className="flex items-center gap-1" onKeyDown={onKeyDown}>
            <span className="hidden text-sm text-slate-600 sm:inline">Delete?</span>
            <Button variant="danger" size="sm" pending={pending} onClick={remove} autoFocus>
              Delete
            </Button>
            <Button variant="ghost" size="sm" onClick={cancel}>
              Cancel
            </Button>
          </div>
        ) : (
          <>
            <Button ref={editButton} variant="ghost" size="sm" onClick={onEdit} aria-label={`Edit “${task.title}”`}>
              Edit
            </Button>
            <Button ref={trigger} variant="ghost" size="sm" onClick={ask} aria-label={`Delete “${task.title}”`} className="text-rose-700 hover:bg-rose-50">
              Delete
            </Button>
          </>
        )}
      </div>
    </div>
  );
}

function EditTask({ task, onDone }: { task: Task; onDone: () => void }) {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(updateTask.bind(null, task.id), IDLE);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => titleRef.current?.focus(), []);
  useEffect(() => {
    if (state.version) onDone();
  }, [state.version, onDone]);

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label={`Edit “${task.title}”`} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <FormMessage errors={state.errors} id={`edit-${task.id}-error`} />
      <TaskFields idPrefix={`edit-${task.id}`} errors={state.errors} defaults={task} titleRef={titleRef} />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <SubmitButton pending={pending} waitSeconds={secondsLeft}>
          Save
        </SubmitButton>
      </div>
    </form>
  );
}

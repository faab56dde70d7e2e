'use client';
import { useEffect, useRef } from 'react';
import { useFocusFirstError } from '@/components/use-focus-error';
import { FormMessage } from '@/components/form-message';
import { useFormAction } from '@/components/use-form-action';
import { SubmitButton } from '@/components/ui';
import { IDLE } from '@/lib/action-state';
import { createTask } from './actions';
import { TaskFields } from './task-fields';

export function NewTaskForm() {
  const [state, onSubmit, pending, secondsLeft] = useFormAction(createTask, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);

  // After each success: an empty form, ready for the next task.
  useEffect(() => {
    if (!state.version) return;
    formRef.current?.reset();
    titleRef.current?.focus();
  }, [state.version]);

  useFocusFirstError(formRef, state.errors);

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label="New task">
      <FormMessage errors={state.errors} id="new-task-error" />
      <TaskFields idPrefix="new" errors={state.errors} titleRef={titleRef} />
      <div className="flex items-center justify-between gap-3">
        <p role="status" className="text-sm text-emerald-700">
          {state.ok ? state.message : ''}
        </p>
        <SubmitButton pending={pending} waitSeconds={secondsLeft}>
          Add task
        </SubmitButton>
      </div>
    </form>
  );
}

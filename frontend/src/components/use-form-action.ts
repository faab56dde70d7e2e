'use client';
import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionState } from '@/lib/action-state';

/**
 * useActionState, submitted from onSubmit instead of the form's `action` prop. React resets a form
 * after an `action` submission, which would wipe what the person typed whenever the server says
 * "not like that"; dispatching ourselves keeps their input, and forms reset themselves on success.
 */
export function useFormAction(action: (previous: ActionState, form: FormData) => Promise<ActionState>, initial: ActionState) {
  const [state, dispatch, pending] = useActionState(action, initial);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
  return [state, onSubmit, pending] as const;
}

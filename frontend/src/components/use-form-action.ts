'use client';
import { unstable_rethrow } from 'next/navigation';
import { startTransition, useActionState, type FormEvent } from 'react';
import { UNREACHABLE, type ActionState } from '@/lib/action-state';
import { useRetryCountdown } from './use-retry-countdown';

/**
 * useActionState, submitted from onSubmit instead of the form's `action` prop. React resets a form
 * after an `action` submission, which would wipe what the person typed whenever the server says
 * "not like that"; dispatching ourselves keeps their input, and forms reset themselves on success.
 */
export function useFormAction(action: (previous: ActionState, form: FormData) => Promise<ActionState>, initial: ActionState) {
  const { secondsLeft, waitFor } = useRetryCountdown();
  const [state, dispatch, pending] = useActionState(async (previous: ActionState, form: FormData) => {
    const next = await answerOf(action(previous, form));
    // A 429's Retry-After: the submit button waits it out (SubmitButton shows the countdown).
    waitFor(next.errors.retryAfterSeconds);
    return next;
  }, initial);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (secondsLeft > 0) return;
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
  return [state, onSubmit, pending, secondsLeft] as const;
}

/**
 * A server action's answer, or UNREACHABLE when none came: the rejection would otherwise reach the
 * route's error boundary, which replaces the page, and whatever was typed, with "could not load".
 * Next's own redirects arrive as rejections too, and go on to the router.
 */
export async function answerOf(call: Promise<ActionState>): Promise<ActionState> {
  try {
    return await call;
  } catch (error) {
    unstable_rethrow(error);
    return UNREACHABLE;
  }
}

'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormErrors } from '@/lib/backend/problem';
import { useRetryCountdown } from './use-retry-countdown';

/**
 * Form error state that moves focus to the first field in error (or the form message), and keeps
 * the submit button disabled while the backend asks us to wait (429 Retry-After).
 */
export function useFormErrors(formRef: React.RefObject<HTMLFormElement | null>) {
  const [errors, setErrorsState] = useState<FormErrors>({ fields: {} });
  const { secondsLeft, waitFor } = useRetryCountdown();
  const focusNext = useRef(false);

  const setErrors = useCallback(
    (next: FormErrors) => {
      setErrorsState(next);
      waitFor(next.retryAfterSeconds);
      focusNext.current = true;
    },
    [waitFor],
  );

  useEffect(() => {
    if (!focusNext.current || !formRef.current) return;
    focusNext.current = false;
    const first = Object.keys(errors.fields)[0];
    const target = first
      ? formRef.current.querySelector<HTMLElement>(`[name="${first}"]`)
      : formRef.current.querySelector<HTMLElement>('[data-form-error]');
    target?.focus();
  }, [errors, formRef]);

  return { errors, setErrors, clear: () => setErrorsState({ fields: {} }), secondsLeft };
}

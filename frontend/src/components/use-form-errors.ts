'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormErrors } from '@/lib/backend/problem';

/**
 * Form error state that moves focus to the first field in error (or the form message), and keeps
 * the submit button disabled while the backend asks us to wait (429 Retry-After).
 */
export function useFormErrors(formRef: React.RefObject<HTMLFormElement | null>) {
  const [errors, setErrorsState] = useState<FormErrors>({ fields: {} });
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [, tick] = useState(0);
  const focusNext = useRef(false);

  const setErrors = useCallback((next: FormErrors) => {
    setErrorsState(next);
    if (next.retryAfterSeconds) setWaitUntil(Date.now() + next.retryAfterSeconds * 1000);
    focusNext.current = true;
  }, []);

  useEffect(() => {
    if (!focusNext.current || !formRef.current) return;
    focusNext.current = false;
    const first = Object.keys(errors.fields)[0];
    const target = first
      ? formRef.current.querySelector<HTMLElement>(`[name="${first}"]`)
      : formRef.current.querySelector<HTMLElement>('[data-form-error]');
    target?.focus();
  }, [errors, formRef]);

  useEffect(() => {
    if (!waitUntil) return;
    const timer = setInterval(() => {
      if (Date.now() >= waitUntil) setWaitUntil(null);
      else tick((n) => n + 1);
    }, 1000);
    return () => clearInterval(timer);
  }, [waitUntil]);

  const secondsLeft = waitUntil ? Math.max(0, Math.ceil((waitUntil - Date.now()) / 1000)) : 0;
  return { errors, setErrors, clear: () => setErrorsState({ fields: {} }), secondsLeft };
}

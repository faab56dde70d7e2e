'use client';
import { useEffect } from 'react';
import type { FormErrors } from '@/lib/backend/problem';

/** After a failed submit, focus goes to the first field in error, or to the form's message. */
export function useFocusFirstError(formRef: React.RefObject<HTMLFormElement | null>, errors: FormErrors) {
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const first = Object.keys(errors.fields)[0];
    if (first) form.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    else if (errors.form) form.querySelector<HTMLElement>('[data-form-error]')?.focus();
  }, [errors, formRef]);
}

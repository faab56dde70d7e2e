import type { FormErrors } from '@/lib/backend/problem';

/** The form-level message: announced at once, and focusable so focus can be moved to it. */
export function FormMessage({ errors, id }: { errors: FormErrors; id: string }) {
  if (!errors.form) return null;
  return (
    <div
      id={id}
      role="alert"
      tabIndex={-1}
      data-form-error
      className="rounded-lg bg-rose-50 px-4 py-3 text-sm text-rose-800 ring-1 ring-inset ring-rose-200"
    >
      {errors.form}
    </div>
  );
}

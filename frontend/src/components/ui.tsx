import type { ComponentProps, ReactNode, Ref } from 'react';

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-brand-600 text-white shadow-sm hover:bg-brand-700 disabled:bg-brand-500/60 aria-busy:bg-brand-500/60',
  secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 shadow-sm hover:bg-slate-50 disabled:text-slate-400 aria-busy:text-slate-400',
  danger: 'bg-rose-600 text-white shadow-sm hover:bg-rose-700 disabled:bg-rose-400 aria-busy:bg-rose-400',
  ghost: 'text-slate-700 hover:bg-slate-100 disabled:text-slate-400 aria-busy:text-slate-400',
};

export function buttonClass(variant: Variant = 'primary', size: 'sm' | 'md' = 'md'): string {
  return cx(
    'inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-lg font-medium transition-colors disabled:cursor-not-allowed aria-busy:cursor-wait',
    size === 'sm' ? 'px-2.5 py-1.5 text-sm' : 'px-4 py-2.5 text-sm',
    VARIANTS[variant],
  );
}

export function Button({
  variant = 'primary',
  size = 'md',
  pending = false,
  className,
  children,
  disabled,
  onClick,
  ...props
}: ComponentProps<'button'> & { variant?: Variant; size?: 'sm' | 'md'; pending?: boolean }) {
  // While its request is on its way a button refuses presses (a submit button, the form's
  // submission, Enter in a field included) without being `disabled`: a disabled button loses
  // focus, and the keyboard or screen reader user is dropped at the top of the page.
  return (
    <button
      {...props}
      disabled={disabled}
      aria-disabled={pending || undefined}
      onClick={pending ? (event) => event.preventDefault() : onClick}
      aria-busy={pending || undefined}
      className={cx(buttonClass(variant, size), className)}
    >
      {pending && <Spinner />}
      {children}
    </button>
  );
}

/** A form's submit button: disabled, counting down, while the backend asks to wait (429 Retry-After). */
export function SubmitButton({ waitSeconds = 0, disabled, children, ...props }: ComponentProps<typeof Button> & { waitSeconds?: number }) {
  return (
    <Button type="submit" {...props} disabled={disabled || waitSeconds > 0}>
      {waitSeconds > 0 ? `Try again in ${waitSeconds}s` : children}
    </Button>
  );
}

export function Spinner({ className }: { className?: string }) {
  return (
    <svg className={cx('size-4 animate-spin', className)} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.25" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}

const CONTROL =
  'block w-full rounded-lg border-0 bg-white px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none sm:text-sm';

export function controlClass(invalid: boolean): string {
  return cx(CONTROL, invalid ? 'ring-rose-400 focus:ring-rose-500' : 'ring-slate-300 focus:ring-brand-600');
}

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (aria: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}

/** Label, control, hint and error wired together so a screen reader announces all three. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-rose-600" data-field-error={id}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A message; given a `ref`, it can take focus, for when it replaces what the person was using. */
export function Alert({
  tone = 'error',
  children,
  id,
  ref,
}: {
  tone?: 'error' | 'success' | 'info';
  children: ReactNode;
  id?: string;
  ref?: Ref<HTMLDivElement>;
}) {
  const tones = {
    error: 'bg-rose-50 text-rose-800 ring-rose-200',
    success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    info: 'bg-sky-50 text-sky-800 ring-sky-200',
  };
  return (
    <div ref={ref} id={id} tabIndex={ref ? -1 : undefined} role={tone === 'error' ? 'alert' : 'status'} className={cx('rounded-lg px-4 py-3 text-sm ring-1 ring-inset', tones[tone])}>
      {children}
    </div>
  );
}

export function Card({ title, description, children, className, id }: { title?: string; description?: string; children: ReactNode; className?: string; id?: string }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section aria-labelledby={headingId} className={cx('rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200', className)}>
      {title && (
        <header className="mb-5">
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {description && <p className="mt-1 text-sm text-slate-500">{description}</p>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Badge({ tone = 'slate', children }: { tone?: 'slate' | 'green' | 'amber' | 'rose' | 'brand' | 'sky'; children: ReactNode }) {
  const tones = {
    slate: 'bg-slate-100 text-slate-700 ring-slate-200',
    green: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
    amber: 'bg-amber-50 text-amber-800 ring-amber-200',
    rose: 'bg-rose-50 text-rose-700 ring-rose-200',
    brand: 'bg-brand-50 text-brand-700 ring-brand-100',
    sky: 'bg-sky-50 text-sky-700 ring-sky-200',
  };
  return <span className={cx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tones[tone])}>{children}</span>;
}

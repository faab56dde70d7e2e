'use client';
import { useState, type ComponentProps } from 'react';
import { controlClass, cx } from './ui';

/**
 * A password field with a show/hide toggle: a toggle button with one name, "Show password", whose
 * state is `aria-pressed` (changing the name as well would announce "Hide password, pressed").
 */
export function PasswordInput({ invalid, className, ...props }: ComponentProps<'input'> & { invalid: boolean }) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="relative">
      <input {...props} type={visible ? 'text' : 'password'} className={cx(controlClass(invalid), 'pr-16', className)} />
      <button
        type="button"
        onClick={() => setVisible((v) => !v)}
        aria-pressed={visible}
        aria-label="Show password"
        className="absolute inset-y-0 right-0 rounded-r-lg px-3 text-xs font-medium text-slate-500 hover:text-slate-800"
      >
        {visible ? 'Hide' : 'Show'}
      </button>
    </div>
  );
}

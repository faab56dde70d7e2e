'use client';
import { controlClass, Field } from '@/components/ui';
import type { FormErrors } from '@/lib/backend/problem';
import { PRIORITIES } from '@/lib/tasks';

export interface TaskDefaults {
  title?: string;
  description?: string | null;
  priority?: string;
  dueDate?: string | null;
}

/** Title, description, priority and due date: shared by the create and edit forms. */
export function TaskFields({ idPrefix, errors, defaults = {}, titleRef }: { idPrefix: string; errors: FormErrors; defaults?: TaskDefaults; titleRef?: React.Ref<HTMLInputElement> }) {
  const e = errors.fields;
  return (
    <div className="grid gap-4 sm:grid-cols-6">
      <div className="sm:col-span-6">
        <Field id={`${idPrefix}-title`} label="Title" error={e.title}>
          {(aria) => (
            <input {...aria} ref={titleRef} name="title" required maxLength={200} defaultValue={defaults.title} placeholder="What needs doing?" className={controlClass(!!e.title)} />
          )}
        </Field>
      </div>
      <div className="sm:col-span-6">
        <Field id={`${idPrefix}-description`} label="Description (optional)" error={e.description}>
          {(aria) => (
            <textarea {...aria} name="description" rows={2} maxLength={2000} defaultValue={defaults.description ?? ''} className={controlClass(!!e.description)} />
          )}
        </Field>
      </div>
      <div className="sm:col-span-3">
        <Field id={`${idPrefix}-priority`} label="Priority" error={e.priority}>
          {(aria) => (
            <select {...aria} name="priority" defaultValue={defaults.priority ?? 'medium'} className={controlClass(!!e.priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p[0]!.toUpperCase() + p.slice(1)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="sm:col-span-3">
        <Field id={`${idPrefix}-dueDate`} label="Due date (optional)" error={e.dueDate}>
          {(aria) => <input {...aria} name="dueDate" type="date" defaultValue={defaults.dueDate ?? ''} className={controlClass(!!e.dueDate)} />}
        </Field>
      </div>
    </div>
  );
}

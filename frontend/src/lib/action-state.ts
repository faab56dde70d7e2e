import type { FormErrors } from './backend/problem';

/** What every server action returns to its form: errors by field, or a success message. */
export interface ActionState {
  ok: boolean;
  errors: FormErrors;
  message?: string;
  /** Changes on every success, so a form can reset itself once per success. */
  version?: number;
}

export const IDLE: ActionState = { ok: false, errors: { fields: {} } };

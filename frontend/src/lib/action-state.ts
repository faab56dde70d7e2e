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

/**
 * A server action the browser got no answer to: its connection to this app dropped, or the app was
 * restarting. Not the backend failing, which guardAction answers on the server.
 */
export const UNREACHABLE: ActionState = {
  ok: false,
  errors: { fields: {}, form: 'We could not reach the server. Check your connection and try again.' },
};

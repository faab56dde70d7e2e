import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { ActionState } from '../action-state.ts';

/**
 * Runs a server action's work; an outage (backend down, database hiccup) becomes a calm message in
 * the form instead of an error page, while Next's own control flow (redirects) passes through.
 */
export async function guardAction(work: () => Promise<ActionState>): Promise<ActionState> {
  try {
    return await work();
  } catch (error) {
    unstable_rethrow(error);
    console.error('Server action failed:', error instanceof Error ? `${error.name}: ${error.message}` : error);
    return { ok: false, errors: { fields: {}, form: 'We could not reach the server. Please try again in a moment.' } };
  }
}

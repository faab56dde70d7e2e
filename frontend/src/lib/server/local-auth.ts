import 'server-only';
import { headers } from 'next/headers';
import type { BackendUser } from '../backend/auth-api.ts';
import { mirrorUser } from '../auth/backend-plugin.ts';
import { appAuth } from './auth.ts';

/**
 * Keeps Better Auth's local records in step after the backend changed something on the user's
 * behalf. The backend stays the authority; these only stop the browser-facing side from lagging.
 */
async function internalAdapter() {
  return (await appAuth().auth.$context).internalAdapter;
}

/** Ends this user's local sessions matching `filter` (each one's delete hook logs its backend session out). */
export async function endLocalSessions(userId: string, filter: { exceptSessionId?: string; backendSessionId?: string } = {}) {
  const { pool, options } = appAuth();
  const schema = options.database.schemaName;
  const conditions = ['"userId" = $1'];
  const values: string[] = [userId];
  if (filter.exceptSessionId) {
    values.push(filter.exceptSessionId);
    conditions.push(`"id" <> $${values.length}`);
  }
  if (filter.backendSessionId) {
    values.push(filter.backendSessionId);
    conditions.push(`"backendSessionId" = $${values.length}`);
  }
  const { rows } = await pool.query<{ token: string }>(`SELECT "token" FROM "${schema}"."session" WHERE ${conditions.join(' AND ')}`, values);
  if (rows.length) await (await internalAdapter()).deleteSessions(rows.map((r) => r.token));
}

export async function syncLocalUser(remote: BackendUser) {
  await mirrorUser(await internalAdapter(), appAuth().pool, remote);
}

/** Removes the local user with every session and account row. */
export async function deleteLocalUser(userId: string) {
  await (await internalAdapter()).deleteUser(userId);
}

/** Better Auth's sign-out for this request: deletes the session (if still there) and clears the cookie. */
export async function signOutHere() {
  await appAuth().auth.api.signOut({ headers: await headers() });
}

import type pg from 'pg';
import type { BackendAuthApi } from '../backend/auth-api.ts';
import { NO_CLIENT, type ForwardedClient } from '../backend/forward.ts';

export interface TokenHelperOptions {
  pool: pg.Pool;
  /** PostgreSQL schema of Better Auth's tables. */
  schema: string;
  api: BackendAuthApi;
  /** Ends the Better Auth session (its cookie becomes worthless); called once the backend refused it. */
  endSession: (sessionToken: string) => Promise<void>;
  /** Refresh this long before the access token expires, so a request never leaves with a dying token. */
  skewMs?: number;
}

export interface AccessTokenOptions {
  client?: ForwardedClient;
  /** A token the backend just answered 401 to: do not hand it out again, refresh instead. */
  rejected?: string | null;
}

export interface TokenHelper {
  /** A valid backend access token for this Better Auth session, or null when the user is signed out. */
  accessToken(sessionId: string, options?: AccessTokenOptions): Promise<string | null>;
}

interface TokenRow {
  token: string;
  backendAccessToken: string | null;
  backendRefreshToken: string | null;
  backendAccessTokenExpiresAt: Date | null;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function createTokenHelper(options: TokenHelperOptions): TokenHelper {
  if (!IDENTIFIER.test(options.schema)) throw new Error(`Invalid schema name: ${options.schema}`);
  const table = `"${options.schema}"."session"`;
  const columns = `"token", "backendAccessToken", "backendRefreshToken", "backendAccessTokenExpiresAt"`;
  const skewMs = options.skewMs ?? 30_000;
  // One refresh per session at a time within this process; the row lock covers the other processes.
  const inFlight = new Map<string, Promise<string | null>>();

  const usable = (row: TokenRow, rejected: string | null | undefined): string | null => {
    if (!row.backendAccessToken || !row.backendAccessTokenExpiresAt) return null;
    if (row.backendAccessToken === rejected) return null;
    return row.backendAccessTokenExpiresAt.getTime() - skewMs > Date.now() ? row.backendAccessToken : null;
  };

  async function refreshLocked(sessionId: string, opts: AccessTokenOptions): Promise<string | null> {
    const db = await options.pool.connect();
    let refusedToken: string | null = null;
    try {
      await db.query('BEGIN');
      const { rows } = await db.query<TokenRow>(
        `SELECT ${columns} FROM ${table} WHERE "id" = $1 AND "expiresAt" > now() FOR UPDATE`,
        [sessionId],
      );
      const row = rows[0];
      if (!row || !row.backendRefreshToken) {
        await db.query('COMMIT');
        // A session left without its pair (an earlier sign-out here failed half-way) can never reach
        // the API again: end it, or every page would send the browser between /login and /dashboard.
        if (row) refusedToken = row.token;
        return null;
      }
      // Another process refreshed while we waited for the lock.
      const fresh = usable(row, opts.rejected);
      if (fresh) {
        await db.query('COMMIT');
        return fresh;
      }
      const outcome = await options.api.refresh(row.backendRefreshToken, opts.client ?? NO_CLIENT);
      if (outcome.ok) {
        const t = outcome.value;
        await db.query(
          `UPDATE ${table} SET "backendAccessToken" = $2, "backendRefreshToken" = $3,
             "backendAccessTokenExpiresAt" = $4, "backendSessionId" = COALESCE($5, "backendSessionId"), "updatedAt" = now()
           WHERE "id" = $1`,
          [sessionId, t.accessToken, t.refreshToken, t.accessTokenExpiresAt, t.backendSessionId],
        );
        await db.query('COMMIT');
        return t.accessToken;
      }
      // Refused for good: forget the pair under the lock, so a process queued behind us does not
      // present the dead token again, then end the session once the lock is released.
      await db.query(
        `UPDATE ${table} SET "backendAccessToken" = NULL, "backendRefreshToken" = NULL, "updatedAt" = now() WHERE "id" = $1`,
        [sessionId],
      );
      await db.query('COMMIT');
      refusedToken = row.token;
      return null;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
      if (refusedToken) {
        await options.endSession(refusedToken).catch((error: unknown) => {
          console.error('Could not end a session the backend refused:', error instanceof Error ? error.message : error);
        });
      }
    }
  }

  return {
    async accessToken(sessionId, opts = {}) {
      const { rows } = await options.pool.query<TokenRow>(
        `SELECT ${columns} FROM ${table} WHERE "id" = $1 AND "expiresAt" > now()`,
        [sessionId],
      );
      const row = rows[0];
      if (!row) return null;
      const current = usable(row, opts.rejected);
      if (current) return current;

      const running = inFlight.get(sessionId);
      if (running) return running;
      const refresh = refreshLocked(sessionId, opts).finally(() => inFlight.delete(sessionId));
      inFlight.set(sessionId, refresh);
      return refresh;
    },
  };
}

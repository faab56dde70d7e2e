import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session's refresh tokens, all of them: the only index on `session_id` was the partial one of
 * live tokens, so revoking sessions (sign-out everywhere, a password change or reset, a disable)
 * and deleting them (an account's deletion, housekeeping) read every refresh token of every user —
 * 63 ms for three sessions at a million tokens, and ~50 ms per session deleted, since the foreign
 * key's cascade ran that scan once for each.
 *
 * And sessions by their absolute expiry, for housekeeping to find the ended ones without reading
 * the live ones.
 */
export class EndedSessionsIndexes1764000000005 implements MigrationInterface {
  name = 'EndedSessionsIndexes1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)`);
    await q.query(`CREATE INDEX sessions_expires_idx ON sessions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sessions_expires_idx`);
    await q.query(`DROP INDEX refresh_tokens_session_idx`);
  }
}

import type { BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import type pg from 'pg';

/**
 * Creates or extends Better Auth's tables with its own migration planner. Several app instances may
 * start at once: a session-level advisory lock lets one of them migrate while the others wait.
 */
export async function migrateAuthSchema(options: BetterAuthOptions, pool: pg.Pool): Promise<string[]> {
  const db = await pool.connect();
  const lockKey = 'better-auth:migrations';
  try {
    await db.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    const plan = await getMigrations(options);
    const changes = [
      ...plan.toBeCreated.map((t) => `create table ${t.table}`),
      ...plan.toBeAdded.map((t) => `add columns ${Object.keys(t.fields).join(', ')} to ${t.table}`),
      ...plan.toBeAddedIndexes.map((i) => `add index ${i.name} on ${i.table}`),
    ];
    if (changes.length) await plan.runMigrations();
    return changes;
  } finally {
    await db.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch(() => undefined);
    db.release();
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails are stored lower-cased, and the lookups compare `email = $1`: a unique index on lower(email)
 * could not serve them (every login scanned users). Uniqueness ignoring case now comes from a plain
 * unique index plus a CHECK that the stored value is lower-case.
 */
export class UsersEmailPlainIndex1764000000001 implements MigrationInterface {
  name = 'UsersEmailPlainIndex1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE users SET email = lower(email) WHERE email <> lower(email)`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_email_lowercase CHECK (email = lower(email))`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`DROP INDEX users_email_lower_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await q.query(`DROP INDEX users_email_key`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_email_lowercase`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /api/users?q` matches a substring of the email or the name (ILIKE '%q%'), which no B-tree can
 * serve: every search read every user for its total, ~70 ms at 100 000 users for one that matches a
 * single account, and growing with them. Trigram indexes serve such patterns, ignoring case like
 * ILIKE (7 ms there); a pattern of fewer than three characters, or one that matches a large share of
 * the users, is still counted by a scan, which is then the cheaper plan.
 *
 * pg_trgm ships with PostgreSQL (contrib: the official images, the embedded server, managed services)
 * and is a trusted extension, so a database owner without superuser may create it.
 */
export class UsersSearchTrigram1764000000004 implements MigrationInterface {
  name = 'UsersSearchTrigram1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops)`);
    await q.query(`CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_name_trgm_idx`);
    await q.query(`DROP INDEX users_email_trgm_idx`);
    // The extension stays: it may have been there before, or serve something else since.
  }
}

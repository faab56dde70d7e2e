import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sort=title` orders titles ignoring case ("apple" before "Banana"), where byte order put every
 * capitalised title first. The index follows the new order, so the page is still read from it
 * without a sort step; `title` and `id` after `lower(title)` keep the order total and stable.
 */
export class TasksTitleOrderIgnoresCase1764000000002 implements MigrationInterface {
  name = 'TasksTitleOrderIgnoresCase1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX tasks_user_title_ci_idx ON tasks (user_id, lower(title), title, id)`);
    await q.query(`DROP INDEX tasks_user_title_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX tasks_user_title_idx ON tasks (user_id, title, id)`);
    await q.query(`DROP INDEX tasks_user_title_ci_idx`);
  }
}

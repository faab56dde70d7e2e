import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/kit/database.js';
import { loadConfig } from '../config/config.js';
import { PreparedQueries } from './prepared-queries.js';

/** On one real connection, so that what it has prepared can be read back from pg_prepared_statements. */
describe('PreparedQueries', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const on = (prepared: boolean) =>
    new PreparedQueries({ driver: { master: pool } } as unknown as DataSource, loadConfig({ ENVIRONMENT: 'test', DATABASE_PREPARED_STATEMENTS: String(prepared) }));
  const preparedTexts = async () => (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map((r) => r.statement);

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('prepares each text once per connection and keeps using it, with parameters', async () => {
    const queries = on(true);
    const text = 'SELECT $1::int + 1 AS n';
    expect(await queries.query(text, [1])).toEqual([{ n: 2 }]);
    expect(await queries.query(text, [41])).toEqual([{ n: 42 }]);
    expect(await queries.query('SELECT $1::text AS s', ['x'])).toEqual([{ s: 'x' }]);
    expect((await preparedTexts()).sort()).toEqual(['SELECT $1::int + 1 AS n', 'SELECT $1::text AS s']);
  });

  it('sends statements unnamed when DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', async () => {
    await pool.query('DEALLOCATE ALL');
    expect(await on(false).query('SELECT $1::int * 2 AS n', [21])).toEqual([{ n: 42 }]);
    expect(await preparedTexts()).toEqual([]);
  });
});

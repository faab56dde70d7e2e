// Decides which PostgreSQL server the suites use, once per `jest` run: TEST_DATABASE_URL or
// DATABASE_URL (an admin URL; each test file creates and drops its own database there), otherwise an
// embedded PostgreSQL of our own under .data/postgres-test. Workers inherit TEST_ADMIN_DATABASE_URL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export default async function globalSetup() {
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = await import('../../dist/database/embedded-postgres.js');
    const handle = await startEmbeddedPostgres({
      dataDir: resolve(import.meta.dirname, '../../../.data/postgres-test'),
      port: Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54330),
      database: 'postgres',
    });
    globalThis.__EMBEDDED_POSTGRES__ = handle;
    adminUrl = handle.adminUrl;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect().catch((error) => {
    throw new Error(`Cannot reach the test PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//***@')}: ${error.message}`);
  });
  await client.end();
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  // Where the cluster suites list the processes they start (test/cluster/support/cluster.ts, track).
  process.env.TEST_CHILDREN_DIR = mkdtempSync(join(tmpdir(), 'nest-auth-test-children-'));
}

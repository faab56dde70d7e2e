// The bench's own database: a fresh `bench_<run>` database on the server of DATABASE_URL, or, when
// it is unset, on an embedded PostgreSQL started with the backend's own helper (cluster kept in
// bench/.data/ between runs; only the database is created and dropped per run).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_DIR, BENCH_DIR, importFromBackend } from './util.mjs';

export async function provisionDatabase(runId, log) {
  const pg = await importFromBackend('pg');
  const name = `bench_${runId}`;
  let adminUrl;
  let stopServer = async () => {};
  let source;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    source = 'DATABASE_URL';
  } else {
    const helper = resolve(BACKEND_DIR, 'dist/database/embedded-postgres.js');
    if (!existsSync(helper)) throw new Error('DATABASE_URL is unset and backend/dist is missing: run `npm run build -w backend` first');
    const { startEmbeddedPostgres } = await import(pathToFileURL(helper).href);
    log('DATABASE_URL unset: starting the embedded PostgreSQL (bench/.data/postgres)…');
    const handle = await startEmbeddedPostgres({
      dataDir: resolve(BENCH_DIR, '.data/postgres'),
      port: Number(process.env.BENCH_PG_PORT ?? 54339),
      database: 'postgres',
    });
    adminUrl = handle.adminUrl;
    stopServer = () => handle.stop();
    source = 'embedded';
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    source,
    host: url.hostname,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      await stopServer();
    },
  };
}

// The bench's own database: a fresh `bench_<run>` database on the server of DATABASE_URL, or, when
// it is unset, on an embedded PostgreSQL started with the backend's own helper (cluster kept in
// bench/.data/ between runs; only the database is created and dropped per run).
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_DIR, BENCH_DIR, importFromBackend, ROOT_DIR } from './util.mjs';

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
    allowPostgresUserIn(ROOT_DIR, log);
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
  const names = [name];
  const urlOf = (n) => {
    const url = new URL(adminUrl);
    url.pathname = `/${n}`;
    return url.toString();
  };
  return {
    name,
    url: urlOf(name),
    source,
    host: new URL(adminUrl).hostname,
    /** Another database of this run on the same server (`<name>_<suffix>`), dropped with it. */
    async sibling(suffix) {
      const n = `${name}_${suffix}`;
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(n)}`);
      } finally {
        await c.end();
      }
      names.push(n);
      return { name: n, url: urlOf(n) };
    },
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(n)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      await stopServer();
    },
  };
}

/**
 * As root, embedded-postgres runs initdb and postgres as the unprivileged `postgres` user, which must
 * be able to reach the binaries in node_modules and the data directory. A checkout inside a private
 * directory (e.g. `mktemp -d`, mode 0700) blocks it with EACCES, so such ancestors get the search
 * bit for others (o+x: enter, not list), and the run says so.
 */
function allowPostgresUserIn(dir, log) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, (mode & 0o7777) | 0o001);
      log(`made ${d} traversable for the postgres user (chmod o+x) so the embedded PostgreSQL can start`);
    }
    if (d === dirname(d)) break;
  }
}

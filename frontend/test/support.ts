import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createAuth, type AppAuth, type AuthSettings } from '../src/lib/auth/create-auth.ts';
import { migrateAuthSchema } from '../src/lib/auth/migrate.ts';

export const BACKEND_URL = process.env.TEST_BACKEND_URL!;
export const DATABASE_URL = process.env.TEST_APP_DATABASE_URL!;
export const APP_URL = 'http://localhost:3999';
export const SCHEMA = 'better_auth';
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';

export function uniqueEmail(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

/**
 * A real HTTP hop in front of the backend that counts requests per path, so a test can tell how
 * many refreshes actually reached the backend. It can also hold requests, to widen race windows.
 */
export async function startCountingProxy(target: string) {
  const counts = new Map<string, number>();
  let delayMs = 0;
  let answerDelayMs = 0;
  let down = false;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const answerDelay = answerDelayMs;
    answerDelayMs = 0;
    if (down) {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Down for the test.' }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers.set(k, v);
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const out: Record<string, string | string[]> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'set-cookie' && k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
      });
      const cookies = upstream.headers.getSetCookie();
      if (cookies.length) out['set-cookie'] = cookies;
      const body = Buffer.from(await upstream.arrayBuffer());
      // The backend has done the work; only its answer is late (or, to a client that gave up, lost).
      if (answerDelay) await new Promise((r) => setTimeout(r, answerDelay));
      res.writeHead(upstream.status, out);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path: string) => counts.get(path) ?? 0,
    reset: () => counts.clear(),
    setDelay: (ms: number) => {
      delayMs = ms;
    },
    /** Delays the backend's answer to the next request only (the one after is answered at once). */
    delayNextAnswer: (ms: number) => {
      answerDelayMs = ms;
    },
    setDown: (value: boolean) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface TestApp extends AppAuth {
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A Better Auth instance as the app builds it, on the test database, talking to `backendUrl`. */
export async function makeApp(backendUrl = BACKEND_URL, overrides: Pick<AuthSettings, 'backendApi'> = {}): Promise<TestApp> {
  // Small pools: the PostgreSQL server is shared with other suites running at the same time.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const app = createAuth({
    pool,
    schema: SCHEMA,
    secret: 'frontend-tests-better-auth-secret-0123456789',
    baseURL: APP_URL,
    backendUrl,
    ...overrides,
    trustedProxies: [],
    production: false,
  });
  await migrateAuthSchema(app.options, pool);
  return { ...app, pool, close: () => pool.end() };
}

export interface Call {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  cookie: string | null;
}

/** One HTTP request to Better Auth's handler, as a browser would send it. */
export async function call(
  app: AppAuth,
  path: string,
  options: { method?: string; body?: unknown; cookie?: string | null; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers = new Headers({ origin: APP_URL, 'user-agent': BROWSER_UA, ...options.headers });
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (options.cookie) headers.set('cookie', options.cookie);
  const response = await app.auth.handler(
    new Request(`${APP_URL}/auth${path}`, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  );
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  const sessionCookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('better-auth.session_token='));
  return { status: response.status, headers: response.headers, text, json, cookie: sessionCookie ?? null };
}

export async function signUp(app: AppAuth, email = uniqueEmail('user'), password = 'correct horse battery', headers?: Record<string, string>) {
  const result = await call(app, '/sign-up/backend', { body: { email, password, name: 'Test User' }, headers });
  if (result.status !== 200 || !result.cookie) throw new Error(`sign-up failed: ${result.status} ${result.text}`);
  return { email, password, cookie: result.cookie, result };
}

export interface SessionRow {
  id: string;
  token: string;
  userId: string;
  backendAccessToken: string | null;
  backendRefreshToken: string | null;
  backendAccessTokenExpiresAt: Date | null;
  backendSessionId: string | null;
}

export async function sessionRows(pool: pg.Pool, userId?: string): Promise<SessionRow[]> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT "id", "token", "userId", "backendAccessToken", "backendRefreshToken", "backendAccessTokenExpiresAt", "backendSessionId"
       FROM "${SCHEMA}"."session" ${userId ? 'WHERE "userId" = $1' : ''} ORDER BY "createdAt"`,
    userId ? [userId] : [],
  );
  return rows;
}

export async function sessionOf(app: TestApp, cookie: string): Promise<SessionRow> {
  const current = await call(app, '/get-session', { cookie });
  const id = current.json?.session?.id as string | undefined;
  if (!id) throw new Error(`no session for cookie: ${current.text}`);
  const rows = await sessionRows(app.pool);
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error('session row missing');
  return row;
}

/** Straight to the backend, as a separate client (a second device, or a check of a token). */
export async function backend(path: string, init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${BACKEND_URL}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function expireAccessToken(pool: pg.Pool, sessionId: string) {
  await pool.query(`UPDATE "${SCHEMA}"."session" SET "backendAccessTokenExpiresAt" = now() - interval '1 minute' WHERE "id" = $1`, [sessionId]);
}

/**
 * Two backend instances behind one address behave as one: what `docker compose up --scale backend=N`
 * promises, proven with two `node dist/main.js` processes on different ports that share one
 * PostgreSQL database, one Redis and one JWT_SECRET_KEY. Requests carry X-Forwarded-For as the
 * proxy would (the instances trust 127.0.0.1, as the compose backends trust the stack subnet), and
 * each test uses its own client address so throttle windows never leak between tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { api, dbQuery, deploy, login, PASSWORD, register, uniqueEmail, type Deployment, type Tokens } from './support/cluster.js';

/** Per test; the suite boots in a few seconds, a test takes well under one. */
const T = 30_000;

let deployment: Deployment;
let A: string;
let B: string;
const issuedSecrets: string[] = [];

beforeAll(async () => {
  deployment = await deploy('multi', 2, { LOGIN_MAX_FAILURES: '5', AUTH_THROTTLE_LIMIT: '20', THROTTLE_LIMIT: '1000', REFRESH_REUSE_GRACE_SECONDS: '10' });
  [A, B] = deployment.instances.map((i) => i.url);
}, T);

afterAll(async () => {
  await deployment?.close();
}, T);

let ipCounter = 10;
/** A fresh client address (TEST-NET-3, never routed: it only ever travels in a header). */
const clientIp = () => `203.0.113.${ipCounter++}`;

function remember(tokens: Tokens): Tokens {
  issuedSecrets.push(tokens.access_token, tokens.refresh_token);
  return tokens;
}

async function newUser(ip: string): Promise<{ email: string; tokens: Tokens }> {
  const email = uniqueEmail('multi');
  await register(A, email, PASSWORD, ip);
  return { email, tokens: remember(await login(A, email, PASSWORD, ip)) };
}

/** The session id (`sid` claim) an access token belongs to. */
function sessionOf(tokens: Tokens): string {
  return JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString('utf8')).sid;
}

const refresh = (base: string, refreshToken: string, ip: string) => api(base, 'POST', '/api/auth/refresh', { body: { refresh_token: refreshToken }, clientIp: ip });

it('runs two separate processes on separate ports against one database', async () => {
  const [a, b] = deployment.instances;
  expect(a.port).not.toBe(b.port);
  expect(a.child.pid).not.toBe(b.child.pid);
  const [ha, hb] = await Promise.all([api(A, 'GET', '/api/health'), api(B, 'GET', '/api/health')]);
  expect([ha.status, hb.status]).toEqual([200, 200]);
}, T);

it('a login on one instance refreshes on the other, and each honours the other’s tokens', async () => {
  const ip = clientIp();
  const { email, tokens } = await newUser(ip);

  const meOnB = await api(B, 'GET', '/api/auth/me', { token: tokens.access_token, clientIp: ip });
  expect(meOnB.status).toBe(200);
  expect(meOnB.body.email).toBe(email);

  const rotated = await refresh(B, tokens.refresh_token, ip);
  expect(rotated.status).toBe(200);
  remember(rotated.body);
  expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
  expect(rotated.body.token_type).toBe('bearer');

  const meOnA = await api(A, 'GET', '/api/auth/me', { token: rotated.body.access_token, clientIp: ip });
  expect(meOnA.status).toBe(200);
  expect(meOnA.body.id).toBe(tokens.user.id);

  // And back again: the chain continues across instances.
  const again = await refresh(A, rotated.body.refresh_token, ip);
  expect(again.status).toBe(200);
  remember(again.body);
}, T);

it('each instance hashes passwords on one libuv thread per core (at least two), not on Node’s fixed four', async () => {
  const ip = clientIp();
  // One registration per instance: libuv starts its pool on the first hash.
  await register(A, uniqueEmail('multi'), PASSWORD, ip);
  await register(B, uniqueEmail('multi'), PASSWORD, ip);
  const libuvThreads = (pid: number) =>
    readdirSync(`/proc/${pid}/task`).filter((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === 'libuv-worker').length;
  expect(deployment.instances.map((i) => libuvThreads(i.child.pid!))).toEqual([Math.max(2, availableParallelism()), Math.max(2, availableParallelism())]);
}, T);

it('a refresh-token reuse detected by one instance revokes the session on both', async () => {
  const ip = clientIp();
  const { tokens: first } = await newUser(ip);

  const second = await refresh(A, first.refresh_token, ip);
  expect(second.status).toBe(200);
  remember(second.body);
  const third = await refresh(B, second.body.refresh_token, ip);
  expect(third.status).toBe(200);
  remember(third.body);

  // `first` is now two rotations old: not the current token, not its immediate parent → reuse.
  const reuse = await refresh(B, first.refresh_token, ip);
  expect(reuse.status).toBe(401);
  expect(reuse.headers.get('content-type')).toContain('application/problem+json');

  // The whole family is dead, on both instances, for refresh and for access tokens alike.
  for (const base of [A, B]) {
    expect((await refresh(base, third.body.refresh_token, ip)).status).toBe(401);
    expect((await api(base, 'GET', '/api/auth/me', { token: third.body.access_token, clientIp: ip })).status).toBe(401);
    expect((await api(base, 'GET', '/api/tasks', { token: second.body.access_token, clientIp: ip })).status).toBe(401);
  }
  const [session] = await dbQuery(deployment.db.url, 'SELECT revoked_at FROM sessions WHERE id = $1', [sessionOf(first)]);
  expect(session.revoked_at).not.toBeNull();
}, T);

it('20 concurrent refreshes of one token spread over both instances all succeed and leave exactly one live chain', async () => {
  // Signed in from another address, so the 20 refreshes have the client's auth window to themselves.
  const { tokens } = await newUser(clientIp());
  const ip = clientIp();

  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refresh(i % 2 === 0 ? A : B, tokens.refresh_token, ip)));
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  for (const r of results) remember(r.body);

  // Every caller got the same successor: one rotation happened, not twenty.
  const successors = new Set(results.map((r) => r.body.refresh_token));
  expect(successors.size).toBe(1);
  const [successor] = successors;
  expect(successor).not.toBe(tokens.refresh_token);

  const sid = sessionOf(tokens);
  const [session] = await dbQuery(deployment.db.url, 'SELECT revoked_at FROM sessions WHERE id = $1', [sid]);
  expect(session.revoked_at).toBeNull();
  const chain = await dbQuery(deployment.db.url, 'SELECT id, parent_id, spent_at FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at', [sid]);
  expect(chain).toHaveLength(2);
  expect(chain.filter((t) => t.spent_at === null)).toHaveLength(1);
  expect(chain[1].parent_id).toBe(chain[0].id);

  // The survivor works on either instance, and the chain goes on from it.
  const next = await refresh(B, successor, clientIp());
  expect(next.status).toBe(200);
  remember(next.body);
  expect((await api(A, 'GET', '/api/auth/me', { token: next.body.access_token, clientIp: clientIp() })).status).toBe(200);
}, T);

it('counts failed logins across both instances: the 6th attempt for one (account, client) pair is throttled everywhere', async () => {
  const ip = clientIp();
  const { email } = await newUser(ip);

  for (let attempt = 0; attempt < 5; attempt += 1) {
    const res = await api(attempt % 2 === 0 ? A : B, 'POST', '/api/auth/login', { body: { email, password: 'wrong password!' }, clientIp: ip });
    expect(res.status).toBe(401);
  }
  for (const base of [A, B]) {
    const res = await api(base, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, clientIp: ip });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body.access_token).toBeUndefined();
  }
  // The owner still signs in from another address, on either instance.
  const elsewhere = clientIp();
  remember(await login(B, email, PASSWORD, elsewhere));
}, T);

it('counts the per-client auth limit across both instances (AUTH_THROTTLE_LIMIT=20 in total, not per instance)', async () => {
  const ip = clientIp();
  const statuses: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    statuses.push((await refresh(i % 2 === 0 ? A : B, `not-a-token-${i}`, ip)).status);
  }
  expect(statuses).toEqual(Array(20).fill(401));
  for (const base of [A, B]) {
    const over = await refresh(base, 'not-a-token', ip);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  // Another client is unaffected: the window is per client address, read through TRUST_PROXY.
  expect((await refresh(A, 'not-a-token', clientIp())).status).toBe(401);
}, T);

it('a logout on one instance is honoured by the other on the very next request', async () => {
  const ip = clientIp();
  const { tokens } = await newUser(ip);
  expect((await api(B, 'GET', '/api/tasks', { token: tokens.access_token, clientIp: ip })).status).toBe(200);

  const out = await api(A, 'POST', '/api/auth/logout', { token: tokens.access_token, body: { refresh_token: tokens.refresh_token }, clientIp: ip });
  expect(out.status).toBe(200);

  const afterOnB = await api(B, 'GET', '/api/tasks', { token: tokens.access_token, clientIp: ip });
  expect(afterOnB.status).toBe(401);
  expect(afterOnB.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect((await refresh(B, tokens.refresh_token, ip)).status).toBe(401);
}, T);

it('wrote no token from any of these exchanges into either instance’s log', () => {
  expect(issuedSecrets.length).toBeGreaterThan(20);
  const logs = deployment.instances.map((i) => i.output.join('\n')).join('\n');
  expect(logs.length).toBeGreaterThan(0);
  for (const secret of issuedSecrets) expect(logs.includes(secret)).toBe(false);
  expect(logs.includes(PASSWORD)).toBe(false);
}, T);

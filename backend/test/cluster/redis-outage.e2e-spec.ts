/**
 * Redis unavailable while REDIS_URL is set. The decision (backend/src/throttling): degrade, do not
 * fail closed — rate-limit and failed-login counters fall back to each instance's memory, with an
 * error-level log line, and go back to the shared Redis counters when it returns. Limits stay
 * enforced throughout (at worst N instances × the limit); sign-in and the API stay available.
 *
 * The Redis here is a private redis-server per suite, killed and frozen at will.
 */
import { api, deploy, login, PASSWORD, register, sleep, uniqueEmail, type Deployment, type Tokens } from './support/cluster.js';

const T = 60_000;
/**
 * A request must never wait on a dead Redis: it answers well under proxy and client timeouts (Caddy
 * and browsers wait far longer), with room for a CI machine busy running other suites.
 */
const FAST_MS = 5_000;

let deployment: Deployment;
let A: string;
let B: string;
let email: string;
let tokens: Tokens;

beforeAll(async () => {
  deployment = await deploy('redis', 2, { LOGIN_MAX_FAILURES: '3', AUTH_THROTTLE_LIMIT: '1000', THROTTLE_LIMIT: '1000' });
  [A, B] = deployment.instances.map((i) => i.url);
  email = uniqueEmail('redis');
  await register(A, email, PASSWORD, '198.51.100.1');
  tokens = await login(A, email, PASSWORD, '198.51.100.1');
}, T);

afterAll(async () => {
  await deployment?.close();
}, T);

let ipCounter = 10;
const clientIp = () => `198.51.100.${ipCounter++}`;

async function failLogin(base: string, ip: string) {
  const res = await api(base, 'POST', '/api/auth/login', { body: { email, password: 'wrong password!' }, clientIp: ip, timeoutMs: 15_000 });
  expect(res.ms).toBeLessThan(FAST_MS);
  return res.status;
}

/** Until the instances' Redis client has reconnected, counters are still per instance. */
async function waitForSharedCounting(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ip = clientIp();
    const statuses = [await failLogin(A, ip), await failLogin(B, ip), await failLogin(A, ip), await failLogin(B, ip)];
    if (statuses[3] === 429) return;
    await sleep(500);
  }
  throw new Error('instances did not go back to shared Redis counters within 20 s');
}

it('with Redis up, failed logins are counted across both instances', async () => {
  const ip = clientIp();
  expect([await failLogin(A, ip), await failLogin(B, ip), await failLogin(A, ip)]).toEqual([401, 401, 401]);
  expect(await failLogin(B, ip)).toBe(429);
}, T);

it('with Redis killed: sign-in and the API keep working fast, each instance logs the degradation loudly', async () => {
  await deployment.redis.kill();

  for (const base of [A, B]) {
    const started = Date.now();
    const fresh = await login(base, email, PASSWORD, clientIp());
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    const created = await api(base, 'POST', '/api/tasks', { token: fresh.access_token, body: { title: `while Redis is down (${base})` }, timeoutMs: 15_000 });
    expect(created.status).toBe(201);
    expect(created.ms).toBeLessThan(FAST_MS);
    const refreshed = await api(base, 'POST', '/api/auth/refresh', { body: { refresh_token: fresh.refresh_token }, timeoutMs: 15_000 });
    expect(refreshed.status).toBe(200);
  }
  // The existing session is untouched by the outage.
  expect((await api(B, 'GET', '/api/auth/me', { token: tokens.access_token })).status).toBe(200);

  for (const instance of deployment.instances) {
    const errors = instance.records().filter((e) => e.level === 50 && /Redis unavailable/.test(e.msg ?? ''));
    expect({ instance: instance.name, logged: errors.length > 0 }).toEqual({ instance: instance.name, logged: true });
  }
}, T);

it('with Redis killed: limits are still enforced, per instance (at most instances × LOGIN_MAX_FAILURES)', async () => {
  const ip = clientIp();
  expect([await failLogin(A, ip), await failLogin(A, ip), await failLogin(A, ip)]).toEqual([401, 401, 401]);
  expect(await failLogin(A, ip)).toBe(429);
  // B counts on its own while Redis is away: the pair is not yet blocked there…
  expect([await failLogin(B, ip), await failLogin(B, ip), await failLogin(B, ip)]).toEqual([401, 401, 401]);
  // …but it is after its own LOGIN_MAX_FAILURES, so 2 × 3 attempts is the ceiling with two instances.
  expect(await failLogin(B, ip)).toBe(429);
}, T);

it('with Redis frozen (accepting connections, answering nothing): requests do not hang', async () => {
  await deployment.redis.restart();
  await waitForSharedCounting();
  deployment.redis.pause();
  try {
    for (const base of [A, B]) {
      const res = await api(base, 'POST', '/api/auth/login', { body: { email, password: PASSWORD }, clientIp: clientIp(), timeoutMs: 15_000 });
      expect({ base, status: res.status }).toEqual({ base, status: 200 });
      expect(res.ms).toBeLessThan(FAST_MS);
      const list = await api(base, 'GET', '/api/tasks', { token: res.body.access_token, timeoutMs: 15_000 });
      expect(list.status).toBe(200);
      expect(list.ms).toBeLessThan(FAST_MS);
    }
  } finally {
    deployment.redis.resume();
  }
}, T);

it('when Redis returns, the instances count together again — no restart needed', async () => {
  await deployment.redis.restart();
  const pids = deployment.instances.map((i) => i.child.pid);
  await waitForSharedCounting();
  expect(deployment.instances.map((i) => i.child.pid)).toEqual(pids);
  expect(deployment.instances.every((i) => i.running)).toBe(true);
}, T);

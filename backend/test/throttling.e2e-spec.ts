import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { ResilientThrottlerStorage } from '../src/throttling/resilient-storage.js';
import { createTestApp, uniqueEmail, type TestApp } from './kit/index.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Throttling per client IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { THROTTLE_LIMIT: '8', AUTH_THROTTLE_LIMIT: '3', LOGIN_MAX_FAILURES: '100' } });
  });
  afterAll(() => t.close());

  it('limits /api/auth/* to AUTH_THROTTLE_LIMIT per IP, whatever the spelling of the path', async () => {
    const body = { email: 'nobody@example.com', password: 'whatever-123' };
    await t.http().post('/api/auth/login').send(body).expect(401);
    await t.http().post('//api/auth/login').send(body).expect(401);
    await t.http().post('/API/AUTH/LOGIN/').send(body).expect(401);
    const res = await t.http().post('/api/auth/login/').send(body).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // Spoofed forwarding headers do not buy a new identity when no proxy is trusted.
    await t.http().post('/api/auth/login').set('X-Forwarded-For', '203.0.113.99').set('X-Real-IP', '203.0.113.99').send(body).expect(429);
  });

});

describe('Throttling per client IP behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '1', AUTH_THROTTLE_LIMIT: '3' } });
  });
  afterAll(() => t.close());

  const login = (ip: string) => t.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: uniqueEmail('nobody'), password: 'whatever-123' });

  it('treats an IPv6 client as its /64: rotating addresses within it buys no new budget', async () => {
    for (const ip of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff:ffff:ffff:fffe']) await login(ip).expect(401);
    const res = await login('2001:db8:5:6:abcd::9').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await login('2001:db8:5:7::1').expect(401);
  });
});

describe('Rate-limit headers, read by a browser app on an allowed origin', () => {
  const origin = 'http://localhost:3000';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: origin, AUTH_THROTTLE_LIMIT: '3' } });
  });
  afterAll(() => t.close());

  it('exposes every header it acts on — Retry-After, WWW-Authenticate, X-Request-Id, the limits — to that origin only', async () => {
    const user = await t.signUp();
    const signedIn = await user.agent.get('/api/tasks').set('Origin', origin).expect(200);
    const refused = await t.http().get('/api/tasks').set('Origin', origin).expect(401);
    const login = () => t.http().post('/api/auth/login').set('Origin', origin).send({ email: uniqueEmail('nobody'), password: 'not the password' });
    let throttled = await login();
    while (throttled.status === 401) throttled = await login();
    expect(throttled.status).toBe(429);
    expect(Object.keys(throttled.headers)).toEqual(expect.arrayContaining(['retry-after', 'retry-after-auth', 'x-ratelimit-remaining']));

    for (const res of [signedIn, refused, throttled]) {
      // A script sees only CORS's safelisted headers and the ones named here.
      const exposed = String(res.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
      const ours = Object.keys(res.headers).filter((name) => /^(retry-after|www-authenticate|x-request-id|x-ratelimit-)/.test(name));
      expect(ours.length).toBeGreaterThan(2);
      expect(exposed).toEqual(expect.arrayContaining(ours));
    }
    const other = await t.http().get('/api/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-expose-headers']).toBeUndefined();
  });
});

describe('Throttler counters and the app’s lifetime', () => {
  it('closing the app closes the in-memory counters (their sweep timer no longer holds the app in memory)', async () => {
    const app = await createTestApp();
    const shutdown = jest.spyOn(ResilientThrottlerStorage.prototype, 'onApplicationShutdown');
    try {
      await app.close();
      expect(shutdown).toHaveBeenCalledTimes(1);
    } finally {
      shutdown.mockRestore();
    }
  });
});

describe('Throttling every route per client IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { THROTTLE_LIMIT: '8' } });
  });
  afterAll(() => t.close());

  it('lets THROTTLE_LIMIT requests through across all routes together, then answers 429 on any of them', async () => {
    const statuses: number[] = [];
    // A public route and a protected one (refused, but counted first): one bucket for both.
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await t.http().get('/api/health')).status, (await t.http().get('/api/tasks')).status);
    }
    expect(statuses).toEqual([200, 401, 200, 401, 200, 401, 200, 401]);
    for (const path of ['/api/health', '/api/tasks']) {
      const res = await t.http().get(path).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});

describe('Failed logins per (account, IP) behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '1', LOGIN_MAX_FAILURES: '3', AUTH_THROTTLE_LIMIT: '1000' } });
  });
  afterAll(() => t.close());

  afterEach(() => t.clock.reset());

  const login = (ip: string, email: string, password: string) => t.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('stops the attacker’s address after LOGIN_MAX_FAILURES while the victim still signs in from elsewhere', async () => {
    const victim = await t.createUser();
    const attacker = '203.0.113.5';
    for (let i = 0; i < 3; i += 1) await login(attacker, victim.email, 'guess-guess').expect(401);
    const blocked = await login(attacker, victim.email, victim.password).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await login('198.51.100.7', victim.email, victim.password).expect(200);
    // The attacker's address is not locked out of other accounts by this counter.
    const other = await t.createUser();
    await login(attacker, other.email, other.password).expect(200);
  });

  it('holds under concurrency: of 10 parallel guesses only LOGIN_MAX_FAILURES reach the password check', async () => {
    const victim = await t.createUser();
    const answers = await Promise.all(Array.from({ length: 10 }, () => login('203.0.113.9', victim.email, 'guess-guess')));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    await login('203.0.113.9', victim.email, victim.password).expect(429);
  });

  it('treats an IPv6 client as its /64, so rotating addresses within it does not reset the count', async () => {
    const victim = await t.createUser();
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::a:b', '2001:db8:1:2:ffff:ffff:ffff:fffe']) await login(ip, victim.email, 'guess-guess').expect(401);
    await login('2001:db8:1:2:ffff::9', victim.email, victim.password).expect(429);
    await login('2001:db8:1:3::1', victim.email, victim.password).expect(200);
  });

  it('lets the window pass: the pair may try again after THROTTLE_TTL_SECONDS', async () => {
    const victim = await t.createUser();
    for (let i = 0; i < 3; i += 1) await login('203.0.113.6', victim.email, 'guess-guess').expect(401);
    await login('203.0.113.6', victim.email, victim.password).expect(429);
    t.clock.advanceSeconds(61);
    await login('203.0.113.6', victim.email, victim.password).expect(200);
  });

  it('counts failed change-password attempts the same way', async () => {
    const user = await t.signUp();
    for (let i = 0; i < 3; i += 1) {
      await user.agent.post('/api/auth/change-password').set('X-Forwarded-For', '203.0.113.8').send({ currentPassword: 'wrong-one', newPassword: 'new password 1' }).expect(401);
    }
    await user.agent.post('/api/auth/change-password').set('X-Forwarded-For', '203.0.113.8').send({ currentPassword: user.password, newPassword: 'new password 1' }).expect(429);
  });

  it('counts wrong current passwords of an email change the same way', async () => {
    const user = await t.signUp();
    const changeEmail = (currentPassword: string) =>
      user.agent.patch('/api/users/me').set('X-Forwarded-For', '203.0.113.10').send({ email: uniqueEmail('moved'), currentPassword });
    for (let i = 0; i < 3; i += 1) await changeEmail('wrong-one').expect(401);
    const blocked = await changeEmail(user.password).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await user.agent.get('/api/users/me').expect(200)).body.email).toBe(user.email.toLowerCase());
  });

  it('takes an X-Forwarded-For entry that is not an address for none: the peer’s address is used (never a 500)', async () => {
    const user = await t.createUser();
    for (const junk of [`not-an-address-${'x'.repeat(100)}`, `fe80::1%${'a'.repeat(100)}` /* isIP() takes zone ids of any length */]) {
      await login(junk, user.email, user.password).expect(200);
    }
    const sessions = await t.db.query('SELECT ip FROM sessions WHERE user_id = $1', [user.id]);
    const events = await t.db.query(`SELECT ip FROM auth_events WHERE user_id = $1 AND type = 'login_success'`, [user.id]);
    for (const { ip } of [...sessions, ...events]) expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(sessions).toHaveLength(2);
  });

  it('counts wrong passwords of an account deletion the same way (a right one ends the account)', async () => {
    const user = await t.signUp();
    const deleteMe = (password: string) => user.agent.delete('/api/users/me').set('X-Forwarded-For', '203.0.113.11').send({ password });
    for (let i = 0; i < 3; i += 1) await deleteMe('wrong-one').expect(401);
    const blocked = await deleteMe(user.password).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await user.agent.get('/api/users/me').expect(200);
    // The guesses count for sign-ins from that address too.
    await login('203.0.113.11', user.email, user.password).expect(429);
  });
});

describe('Shared counters in Redis across instances', () => {
  const prefix = `nas-test:shared:${randomBytes(6).toString('hex')}:`;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, AUTH_THROTTLE_LIMIT: '4', LOGIN_MAX_FAILURES: '2', TRUST_PROXY: '1' };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('two app instances share the per-IP auth limit', async () => {
    // A different (unknown) account each time, so only the per-IP limit can answer 429.
    const body = (n: number) => ({ email: `nobody-${n}@example.com`, password: 'whatever-123' });
    const ip = '192.0.2.10';
    await a.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(1)).expect(401);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(2)).expect(401);
    await a.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(3)).expect(401);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(4)).expect(401);
    await a.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(5)).expect(429);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', ip).send(body(6)).expect(429);
    // Another client address is unaffected.
    await b.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.11').send(body(7)).expect(401);
  });

  it('two app instances share the failed-login counter of an (account, IP) pair', async () => {
    const victim = await a.createUser();
    await a.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.20').send({ email: victim.email, password: 'nope-nope' }).expect(401);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.21').send({ email: victim.email, password: 'nope-nope' }).expect(401);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.20').send({ email: victim.email, password: 'nope-nope' }).expect(401);
    await b.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.20').send({ email: victim.email, password: victim.password }).expect(429);
    await a.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.21').send({ email: victim.email, password: victim.password }).expect(200);
  });

  it('counts parallel guesses on both instances before checking any: LOGIN_MAX_FAILURES verdicts in all', async () => {
    const victim = await a.createUser();
    const guess = (app: TestApp) => app.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.30').send({ email: victim.email, password: 'nope-nope' });
    const statuses = (await Promise.all([guess(a), guess(b), guess(a), guess(b)])).map((res) => res.status).sort();
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});

describe('Redis unreachable with REDIS_URL set', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Port 1 on loopback: connection refused at once.
    t = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1', AUTH_THROTTLE_LIMIT: '2' } });
  });
  afterAll(() => t.close());

  it('keeps serving and keeps limiting, with counters in memory', async () => {
    const user = await t.createUser();
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(429);
  });
});

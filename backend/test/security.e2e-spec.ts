import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from '../src/app.module.js';
import { APP_CONFIG, type AppConfig } from '../src/config/config.js';
import { createTestApp, uniqueEmail, type SignedInUser, type TestApp } from './kit/index.js';

describe('HTTP security', () => {
  let t: TestApp;
  let user: SignedInUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'http://localhost:3000', BODY_LIMIT_BYTES: '2048' } });
    user = await t.signUp();
  });
  afterAll(() => t.close());

  it('sends nosniff and no X-Powered-By on every response, errors included', async () => {
    for (const res of [await t.http().get('/api/health'), await t.http().get('/api/tasks'), await t.http().get('/api/nope')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sends helmet’s security headers on every response, errors included', async () => {
    for (const res of [await t.http().get('/api/health'), await t.http().get('/api/nope'), await t.http().get('/api/docs').redirects(1)]) {
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    }
  });

  it('lets no cache keep an API response (Cache-Control: no-store), errors included; the docs may be cached', async () => {
    const api = [
      await user.agent.get('/api/tasks').expect(200),
      await user.agent.get('/api/auth/me').expect(200),
      await t.http().get('/api/tasks').expect(401),
      await t.http().get('/api/nope').expect(404),
      await t.http().get('/api/health'),
    ];
    for (const res of api) expect(res.headers['cache-control']).toBe('no-store');
    const docs = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(docs.headers['cache-control']).not.toBe('no-store');
  });

  it('answers unknown routes with a 404 problem that reveals no internals', async () => {
    const res = await t.http().get('/api/does-not-exist').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'The requested resource does not exist.', instance: '/api/does-not-exist' });
  });

  it('answers a path the router cannot take (undecodable, or an id longer than any id) with the same 404 problem and headers', async () => {
    for (const path of ['/api/tasks/%E0%A4%A', '/api/%', `/api/tasks/${'a'.repeat(101)}`, `/api/users/${'0'.repeat(500)}`]) {
      const res = await user.agent.get(path).set('Origin', 'http://localhost:3000');
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({ path, status: 404, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'The requested resource does not exist.' });
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'x-frame-options': 'SAMEORIGIN', 'access-control-allow-origin': 'http://localhost:3000' });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('refuses a body over the limit with 413 and changes nothing', async () => {
    const res = await user.agent.post('/api/tasks').send({ title: 'big', description: 'x'.repeat(4096) }).expect(413);
    expect(res.body).toMatchObject({ status: 413, title: 'Content Too Large' });
    const tasks = await user.agent.get('/api/tasks').expect(200);
    expect(tasks.body.total).toBe(0);
  });

  it('echoes a sane X-Request-Id and generates one otherwise', async () => {
    const given = await t.http().get('/api/health').set('X-Request-Id', 'trace-abc.123');
    expect(given.headers['x-request-id']).toBe('trace-abc.123');
    const generated = await t.http().get('/api/health').set('X-Request-Id', 'bad id with spaces <script>');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('CORS', () => {
    it('allows the configured origin with credentials', async () => {
      const res = await t
        .http()
        .options('/api/tasks')
        .set('Origin', 'http://localhost:3000')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,authorization');
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('answers a preflight for every method the API uses, echoing the requested headers, before authentication', async () => {
      const res = await t
        .http()
        .options('/api/tasks/00000000-0000-4000-8000-000000000000')
        .set('Origin', 'http://localhost:3000')
        .set('Access-Control-Request-Method', 'DELETE')
        .set('Access-Control-Request-Headers', 'authorization')
        .expect(204);
      expect(res.headers['access-control-allow-methods']?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
      expect(res.headers['access-control-allow-headers']).toBe('authorization');
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(res.headers.vary).toMatch(/Origin/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('lets the configured origin read responses, errors included, and tells caches the answer varies by Origin', async () => {
      for (const res of [await t.http().get('/api/health').set('Origin', 'http://localhost:3000'), await t.http().get('/api/tasks').set('Origin', 'http://localhost:3000')]) {
        expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(res.headers.vary).toMatch(/Origin/);
      }
      const noOrigin = await t.http().get('/api/health');
      expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
      expect(noOrigin.headers.vary).toMatch(/Origin/);
    });

    it('does not allow other origins', async () => {
      const res = await t.http().options('/api/tasks').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
      const get = await t.http().get('/api/health').set('Origin', 'https://evil.example').expect(200);
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
      expect(get.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('treats an OPTIONS request that is not a preflight like any other unknown route', async () => {
      const res = await t.http().options('/api/tasks').expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  describe('CSRF: unsafe requests authenticated by cookie', () => {
    it('are refused from an origin not in CORS_ORIGINS, and nothing is created', async () => {
      const res = await user.cookieAgent.post('/api/tasks').set('Origin', 'https://evil.example').send({ title: 'csrf' }).expect(403);
      expect(res.body.detail).toMatch(/Cross-site request refused/);
      const list = await user.agent.get('/api/tasks?q=csrf').expect(200);
      expect(list.body.total).toBe(0);
    });

    it('are refused when Sec-Fetch-Site is cross-site, even without Origin', async () => {
      await user.cookieAgent.post('/api/tasks').set('Sec-Fetch-Site', 'cross-site').send({ title: 'csrf' }).expect(403);
      await user.cookieAgent.post('/api/auth/logout').set('Sec-Fetch-Site', 'cross-site').expect(403);
      // Neither landed: no task, and the session still works.
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM tasks WHERE title = 'csrf'`);
      expect(count).toBe(0);
      await user.cookieAgent.get('/api/auth/me').expect(200);
    });

    it('pass from an allowed origin, from non-browser clients, and with a bearer token', async () => {
      await user.cookieAgent.post('/api/tasks').set('Origin', 'http://localhost:3000').set('Sec-Fetch-Site', 'same-site').send({ title: 'ok 1' }).expect(201);
      await user.cookieAgent.post('/api/tasks').send({ title: 'ok 2' }).expect(201);
      await user.agent.post('/api/tasks').set('Origin', 'https://evil.example').send({ title: 'ok 3' }).expect(201);
    });

    it('do not apply to safe methods', async () => {
      await user.cookieAgent.get('/api/tasks').set('Origin', 'https://evil.example').expect(200);
    });
  });

  describe('login CSRF: a foreign page signing the browser in to an account of its choosing', () => {
    it('is refused on login, register and refresh, without cookies too, and no cookie is set', async () => {
      const victimBrowser = t.http();
      const attacker = await t.signUp();
      const attempts = [
        victimBrowser.post('/api/auth/login').type('form').set('Origin', 'https://evil.example').send({ username: attacker.email, password: attacker.password }),
        victimBrowser.post('/api/auth/login').set('Sec-Fetch-Site', 'cross-site').send({ email: attacker.email, password: attacker.password }),
        victimBrowser.post('/api/auth/register').set('Origin', 'https://evil.example').send({ email: uniqueEmail('planted'), password: 'planted password' }),
        victimBrowser.post('/api/auth/refresh').set('Origin', 'https://evil.example').send({ refresh_token: attacker.refreshToken }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(403);
        expect(res.body.detail).toMatch(/Cross-site request refused/);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      // The refresh token was not spent by the refused request.
      await t.http().post('/api/auth/refresh').send({ refresh_token: attacker.refreshToken }).expect(200);
    });

    it('still lets the configured origin and non-browser clients sign in', async () => {
      const user = await t.createUser();
      await t.http().post('/api/auth/login').set('Origin', 'http://localhost:3000').set('Sec-Fetch-Site', 'same-site').send({ email: user.email, password: user.password }).expect(200);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    });

    it('lets Swagger UI act from the API’s own origin in development, but never trusts the Host a request names', async () => {
      const user = await t.createUser();
      const form = { username: user.email, password: user.password, grant_type: 'password' };
      const port = t.app.get<AppConfig>(APP_CONFIG).port;
      for (const own of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
        await t.http().post('/api/auth/login').type('form').set('Origin', own).set('Sec-Fetch-Site', 'same-origin').send(form).expect(200);
      }
      // DNS rebinding: the attacker's name now points at the API, and the browser calls that same-origin.
      const rebound = 'http://attacker.example:8123';
      await t.http().post('/api/auth/login').type('form').set('Host', 'attacker.example:8123').set('Origin', rebound).set('Sec-Fetch-Site', 'same-origin').send(form).expect(403);
      await t.http().post('/api/auth/login').type('form').set('Host', 'attacker.example:8123').set('Origin', rebound).send(form).expect(403);
    });
  });

  describe('errors never leak internals', () => {
    it('no stack, SQL or file path in a 4xx body', async () => {
      const responses = [
        await user.agent.get('/api/tasks?limit=abc'),
        await user.agent.post('/api/tasks').set('Content-Type', 'application/json').send('{bad json'),
        await user.agent.get('/api/tasks/00000000-0000-4000-8000-000000000000'),
      ];
      for (const res of responses) {
        const text = JSON.stringify(res.body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(text).not.toMatch(/at \w+ \(|\.ts:\d+|\.js:\d+|SELECT|QueryFailedError|node_modules/);
        expect(typeof res.body.detail).toBe('string');
      }
    });
  });
});

describe('Log redaction', () => {
  it('never writes passwords, tokens, cookies or Authorization headers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer SECRET-ACCESS', cookie: 'refresh_token=SECRET-REFRESH' }, body: { password: 'SECRET-PW' } },
      res: { headers: { 'set-cookie': 'access_token=SECRET-SET' } },
      detail: { password: 'SECRET-PW2', access_token: 'SECRET-AT', refresh_token: 'SECRET-RT', token: 'SECRET-T' },
    });
    const output = lines.join('');
    expect(output).toContain('[redacted]');
    expect(output).not.toMatch(/SECRET/);
  });
});

import { Writable } from 'node:stream';
import request from 'supertest';
import { createTestApp, type TestApp } from './kit/index.js';

/**
 * What the API writes to its log, read from the real app at LOG_LEVEL=debug: one completion line
 * per request carrying the id the client saw, the same id on every line logged while handling it,
 * and never a password, token, hash or secret.
 */
describe('Logging', () => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    t = await createTestApp({ env: { LOG_LEVEL: 'debug' }, logDestination: sink });
  });
  afterAll(() => t.close());

  const completionOf = (reqId: string) =>
    lines.filter((l) => l.msg === 'request completed' && (l.reqId === reqId || (l.req as { id?: string } | undefined)?.id === reqId));

  it('writes one completion line per request, with the id echoed in X-Request-Id and no query string', async () => {
    const res = await request(t.server).get('/api/health?token=do-not-log-me').expect(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [line, ...more] = completionOf(id);
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({ level: 30, method: 'GET', url: '/api/health', statusCode: 200, ip: expect.any(String) });
    expect(typeof line.responseTime).toBe('number');
    expect(raw.join('\n')).not.toContain('do-not-log-me');
  });

  it('keeps a sane X-Request-Id from the caller and logs client errors at warn', async () => {
    const res = await request(t.server).get('/api/users/me').set('X-Request-Id', 'trace-abc.123').expect(401);
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    expect(completionOf('trace-abc.123')).toEqual([expect.objectContaining({ level: 40, statusCode: 401, url: '/api/users/me' })]);
  });

  it('binds the request id to what services log while handling the request (the audit line of a sign-in)', async () => {
    const user = await t.createUser();
    const res = await request(t.server).post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const id = res.headers['x-request-id'];
    const audit = lines.find((l) => l.event === 'login_success' && l.userId === user.id);
    expect(audit).toMatchObject({ reqId: id, msg: 'auth event login_success' });
    expect(completionOf(id)).toHaveLength(1);
  });

  it('never logs a password, token, hash or the signing secret, across a whole account lifecycle', async () => {
    const user = await t.signUp();
    const secrets = [user.password, user.accessToken, user.refreshToken, t.config.jwt.secret];
    const signedIn = await t.signIn(user);
    secrets.push(signedIn.accessToken, signedIn.refreshToken);
    const rotated = await request(t.server).post('/api/auth/refresh').send({ refresh_token: signedIn.refreshToken }).expect(200);
    secrets.push(rotated.body.access_token, rotated.body.refresh_token);
    await request(t.server).post('/api/auth/login').send({ email: user.email, password: 'Wrong-password-1' }).expect(401);
    secrets.push('Wrong-password-1');
    await request(t.server).post('/api/auth/refresh').send({ refresh_token: signedIn.refreshToken }).expect(200); // grace: same pair again
    await request(t.server).get('/api/tasks').set('Authorization', `Bearer ${rotated.body.access_token}x`).expect(401);
    await signedIn.agent.post('/api/auth/logout').send({ refresh_token: rotated.body.refresh_token }).expect(200);
    const [{ password_hash: hash }] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    secrets.push(hash);

    const log = raw.join('\n');
    expect(log).toContain(user.id); // the lines are there: ids are logged, secrets are not
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});

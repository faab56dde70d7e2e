import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKEND_PROVIDER_ID, forwardedClientOf } from '../src/lib/auth/backend-plugin.ts';
import { createAuth, DISABLED_PATHS } from '../src/lib/auth/create-auth.ts';
import { backend, BROWSER_UA, call, type Call, makeApp, sessionOf, sessionRows, signUp, SCHEMA, type TestApp, uniqueEmail } from './support.ts';

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

/** Everything a browser would receive: status line aside, every header and the body. */
function visible(response: Call): string {
  const headers: string[] = [];
  response.headers.forEach((value, key) => headers.push(`${key}: ${value}`));
  return `${headers.join('\n')}\n${response.text}`;
}

describe('backend-credentials plugin', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await makeApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('signs up through the backend: local user linked by an account row, tokens on the session row only', async () => {
    const email = uniqueEmail('signup');
    const response = await call(app, '/sign-up/backend', { body: { email, password: 'correct horse battery', name: 'Ada' } });
    expect(response.status).toBe(200);
    expect(response.json.user).toMatchObject({ email, name: 'Ada' });
    expect(response.cookie).toMatch(/^better-auth\.session_token=/);

    const row = await sessionOf(app, response.cookie!);
    expect(row.backendAccessToken).toMatch(JWT);
    expect(row.backendRefreshToken).toEqual(expect.any(String));
    expect(row.backendAccessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());

    const me = await backend('/api/auth/me', { token: row.backendAccessToken });
    expect(me.status).toBe(200);
    expect(me.json.email).toBe(email);

    const { rows: accounts } = await app.pool.query(
      `SELECT "providerId", "accountId", "password" FROM "${SCHEMA}"."account" WHERE "userId" = $1`,
      [row.userId],
    );
    expect(accounts).toEqual([{ providerId: BACKEND_PROVIDER_ID, accountId: me.json.id, password: null }]);
    expect(row.backendSessionId).toEqual(expect.any(String));

    for (const secret of [row.backendAccessToken!, row.backendRefreshToken!]) expect(visible(response)).not.toContain(secret);
    expect(visible(response)).not.toMatch(JWT);
  });

  it('signs in an existing user into a second, independent session (one token pair per device)', async () => {
    const { email, password, cookie: first } = await signUp(app);
    const second = await call(app, '/sign-in/backend', { body: { email, password } });
    expect(second.status).toBe(200);
    const a = await sessionOf(app, first);
    const b = await sessionOf(app, second.cookie!);
    expect(b.userId).toBe(a.userId);
    expect(b.backendSessionId).not.toBe(a.backendSessionId);
    expect(b.backendRefreshToken).not.toBe(a.backendRefreshToken);
    const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."account" WHERE "userId" = $1`, [a.userId]);
    expect(rows[0].n).toBe(1);
  });

  it('never returns a backend token from get-session, sign-in or sign-out', async () => {
    const { email, password } = await signUp(app);
    const signIn = await call(app, '/sign-in/backend', { body: { email, password } });
    const row = await sessionOf(app, signIn.cookie!);
    const getSession = await call(app, '/get-session', { cookie: signIn.cookie });
    expect(getSession.json.session.id).toBe(row.id);
    expect(Object.keys(getSession.json.session)).not.toEqual(expect.arrayContaining(['backendAccessToken']));
    const signOut = await call(app, '/sign-out', { body: {}, cookie: signIn.cookie });
    for (const response of [signIn, getSession, signOut]) {
      const text = visible(response);
      expect(text).not.toContain(row.backendAccessToken!);
      expect(text).not.toContain(row.backendRefreshToken!);
      expect(text).not.toMatch(JWT);
    }
  });

  it('forwards the browser User-Agent, so the backend lists the real device', async () => {
    const { cookie } = await signUp(app, uniqueEmail('device'), 'correct horse battery', { 'x-forwarded-for': '203.0.113.7' });
    const row = await sessionOf(app, cookie);
    const sessions = await backend('/api/auth/sessions', { token: row.backendAccessToken });
    expect(sessions.status).toBe(200);
    expect(sessions.json).toHaveLength(1);
    expect(sessions.json[0]).toMatchObject({ userAgent: BROWSER_UA, current: true });
  });

  it('believes X-Forwarded-For only behind a proxy named in TRUSTED_PROXIES, read from the right', () => {
    const headers = (xff: string) => new Headers({ 'user-agent': BROWSER_UA, 'x-forwarded-for': xff });
    // No trusted proxy: the header is whatever the client wrote, so it names nobody.
    expect(forwardedClientOf({ headers: headers('203.0.113.7'), context: { options: app.options } } as never).ip).toBeNull();
    const behindProxy = createAuth({
      pool: app.pool,
      schema: SCHEMA,
      secret: 'frontend-tests-better-auth-secret-0123456789',
      baseURL: 'http://localhost:3999',
      backendUrl: 'http://127.0.0.1:9',
      trustedProxies: ['10.0.0.0/8'],
      production: false,
    });
    const behind = (xff: string) => forwardedClientOf({ headers: headers(xff), context: { options: behindProxy.options } } as never).ip;
    // The proxy appended the address it saw; what the client wrote before it does not count.
    expect(behind('198.51.100.66, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
    expect(behind('203.0.113.7')).toBe('203.0.113.7');
  });

  it('relays a wrong password as 401 with the backend sentence, and starts no session', async () => {
    const { email } = await signUp(app);
    const before = (await sessionRows(app.pool)).length;
    const response = await call(app, '/sign-in/backend', { body: { email, password: 'not the password' } });
    expect(response.status).toBe(401);
    expect(response.json.message).toMatch(/incorrect email or password/i);
    expect(response.cookie).toBeNull();
    expect((await sessionRows(app.pool)).length).toBe(before);
  });

  it('relays 409 for a taken email and 422 field errors for a short password', async () => {
    const { email } = await signUp(app);
    const taken = await call(app, '/sign-up/backend', { body: { email, password: 'correct horse battery' } });
    expect(taken.status).toBe(409);
    expect(taken.json.message).toMatch(/already registered/i);

    const short = await call(app, '/sign-up/backend', { body: { email: uniqueEmail('short'), password: 'short' } });
    expect(short.status).toBe(422);
    expect(short.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
  });

  it('relays 429 with Retry-After once the backend throttles failed logins', async () => {
    const { email } = await signUp(app);
    const ip = { 'x-forwarded-for': '198.51.100.23' };
    let last: Call | undefined;
    for (let i = 0; i < 8; i += 1) {
      last = await call(app, '/sign-in/backend', { body: { email, password: `wrong password ${i}` }, headers: ip });
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.json.retryAfter).toBeGreaterThan(0);
  });

  it('sign-out deletes the session and logs the backend session out (its refresh token is refused)', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    const signOut = await call(app, '/sign-out', { body: {}, cookie });
    expect(signOut.status).toBe(200);
    expect((await sessionRows(app.pool)).some((r) => r.id === row.id)).toBe(false);
    expect((await call(app, '/get-session', { cookie })).json).toBeNull();
    expect((await backend('/api/auth/me', { token: row.backendAccessToken })).status).toBe(401);
    expect((await backend('/api/auth/refresh', { body: { refresh_token: row.backendRefreshToken } })).status).toBe(401);
  });

  it('keeps the local mirror in step with the backend email and name', async () => {
    const { email, password, cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    const newEmail = uniqueEmail('renamed');
    const patched = await backend('/api/users/me', { method: 'PATCH', token: row.backendAccessToken, body: { email: newEmail, name: 'Grace', currentPassword: password } });
    expect(patched.status).toBe(200);
    const again = await call(app, '/sign-in/backend', { body: { email: newEmail, password } });
    expect(again.status).toBe(200);
    expect(again.json.user).toMatchObject({ id: row.userId, email: newEmail, name: 'Grace' });
    // The old address is free again for someone else, locally as on the backend.
    const other = await call(app, '/sign-up/backend', { body: { email, password: 'another fine password' } });
    expect(other.status).toBe(200);
    expect(other.json.user.id).not.toBe(row.userId);
  });

  it('offers exactly one way to sign in: Better Auth\u2019s own credential routes are gone', async () => {
    expect(DISABLED_PATHS).toEqual(expect.arrayContaining(['/sign-in/email', '/sign-up/email', '/change-password', '/update-user']));
    const email = uniqueEmail('local');
    const signUpEmail = await call(app, '/sign-up/email', { body: { email, password: 'correct horse battery', name: 'x' } });
    const signInEmail = await call(app, '/sign-in/email', { body: { email, password: 'correct horse battery' } });
    expect(signUpEmail.status).toBe(404);
    expect(signInEmail.status).toBe(404);
  });

  it('rejects sign-in from a foreign origin (Better Auth CSRF check)', async () => {
    const { email, password } = await signUp(app);
    const response = await call(app, '/sign-in/backend', { body: { email, password }, headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.cookie).toBeNull();
  });
});

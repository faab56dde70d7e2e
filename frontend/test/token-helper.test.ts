import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BackendUnavailableError, createBackendAuthApi } from '../src/lib/backend/auth-api.ts';
import { backend, call, expireAccessToken, makeApp, SCHEMA, sessionOf, sessionRows, signUp, startCountingProxy, type TestApp } from './support.ts';

const REFRESH = '/api/auth/refresh';

describe('backend token helper', () => {
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let app: TestApp;

  beforeAll(async () => {
    proxy = await startCountingProxy(process.env.TEST_BACKEND_URL!);
    app = await makeApp(proxy.url);
  });
  afterEach(() => {
    proxy.setDelay(0);
    proxy.setDown(false);
  });
  afterAll(async () => {
    await app.close();
    await proxy.close();
  });

  it('hands out the stored access token while it is fresh, without calling the backend', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    proxy.reset();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => app.tokens.accessToken(row.id)));
    expect(new Set(tokens)).toEqual(new Set([row.backendAccessToken]));
    expect(proxy.count(REFRESH)).toBe(0);
  });

  it('20 concurrent requests after the access token expired cause exactly one backend refresh', async () => {
    const { cookie } = await signUp(app);
    const before = await sessionOf(app, cookie);
    await expireAccessToken(app.pool, before.id);
    proxy.reset();
    proxy.setDelay(150); // a slow backend widens the window in which the requests overlap

    const tokens = await Promise.all(Array.from({ length: 20 }, () => app.tokens.accessToken(before.id)));

    expect(proxy.count(REFRESH)).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const [token] = tokens;
    expect(token).not.toBe(before.backendAccessToken);
    const after = await sessionOf(app, cookie);
    expect(after.backendAccessToken).toBe(token);
    expect(after.backendRefreshToken).not.toBe(before.backendRefreshToken);
    expect(after.backendAccessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect((await backend('/api/auth/me', { token })).status).toBe(200);
  });

  it('two server processes refreshing the same session at once still refresh once (row lock)', async () => {
    const other = await makeApp(proxy.url); // its own pool and its own in-process single-flight
    try {
      const { cookie } = await signUp(app);
      const row = await sessionOf(app, cookie);
      await expireAccessToken(app.pool, row.id);
      proxy.reset();
      proxy.setDelay(150);
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : app).tokens.accessToken(row.id)),
      );
      expect(proxy.count(REFRESH)).toBe(1);
      expect(new Set(tokens).size).toBe(1);
      expect((await backend('/api/auth/me', { token: tokens[0] })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('refreshes a token the backend rejected even before it expires', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    proxy.reset();
    const token = await app.tokens.accessToken(row.id, { rejected: row.backendAccessToken });
    expect(proxy.count(REFRESH)).toBe(1);
    expect(token).not.toBe(row.backendAccessToken);
    expect((await backend('/api/auth/me', { token })).status).toBe(200);
  });

  it('signs the user out cleanly when the backend refuses the refresh', async () => {
    const { email, password, cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    // From another device, the user signs this one out.
    const login = await backend('/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect((await backend(`/api/auth/sessions/${row.backendSessionId}`, { method: 'DELETE', token: login.json.access_token })).status).toBe(204);

    proxy.reset();
    const results = await Promise.all(Array.from({ length: 5 }, () => app.tokens.accessToken(row.id, { rejected: row.backendAccessToken })));
    expect(results).toEqual([null, null, null, null, null]);
    expect(proxy.count(REFRESH)).toBe(1);
    expect((await sessionRows(app.pool)).some((r) => r.id === row.id)).toBe(false);
    expect((await call(app, '/get-session', { cookie })).json).toBeNull();
    expect(await app.tokens.accessToken(row.id)).toBeNull();
    expect(proxy.count(REFRESH)).toBe(1);
  });

  it('ends a session left without its backend tokens (a failed sign-out), instead of keeping it signed in to nothing', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    await app.pool.query(`UPDATE "${SCHEMA}"."session" SET "backendAccessToken" = NULL, "backendRefreshToken" = NULL WHERE "id" = $1`, [row.id]);
    expect(await app.tokens.accessToken(row.id)).toBeNull();
    expect((await sessionRows(app.pool)).some((r) => r.id === row.id)).toBe(false);
    expect((await call(app, '/get-session', { cookie })).json).toBeNull();
  });

  it('asks again at once when a refresh’s answer is lost, and keeps the session (no reuse alarm)', async () => {
    const impatient = await makeApp(proxy.url, { backendApi: createBackendAuthApi({ baseUrl: proxy.url, refreshTimeoutMs: 300 }) });
    try {
      const { cookie } = await signUp(impatient);
      const row = await sessionOf(impatient, cookie);
      await expireAccessToken(impatient.pool, row.id);
      proxy.reset();
      // The backend rotates, but its answer comes after the helper has given up on it.
      proxy.delayNextAnswer(1_000);
      const token = await impatient.tokens.accessToken(row.id);
      expect(proxy.count(REFRESH)).toBe(2);
      expect((await backend('/api/auth/me', { token })).status).toBe(200);
      // The pair kept is the new one (the first attempt's), not the presented parent, which the
      // backend's grace window would still accept for a few seconds.
      expect((await sessionOf(impatient, cookie)).backendRefreshToken).not.toBe(row.backendRefreshToken);
      // …and it is live: the next refresh works too.
      await expireAccessToken(impatient.pool, row.id);
      expect((await backend('/api/auth/me', { token: await impatient.tokens.accessToken(row.id) })).status).toBe(200);
    } finally {
      await impatient.close();
    }
  });

  it('keeps the session when the backend is unreachable: an outage is not a sign-out', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    await expireAccessToken(app.pool, row.id);
    proxy.setDown(true);
    await expect(app.tokens.accessToken(row.id)).rejects.toBeInstanceOf(BackendUnavailableError);
    proxy.setDown(false);
    const after = await sessionOf(app, cookie);
    expect(after.backendRefreshToken).toBe(row.backendRefreshToken);
    const token = await app.tokens.accessToken(row.id);
    expect((await backend('/api/auth/me', { token })).status).toBe(200);
  });

  it('signs out locally when the backend refuses the logout, and says so in the log (without a token)', async () => {
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      proxy.setDown(true);
      expect((await call(app, '/sign-out', { body: {}, cookie })).status).toBe(200);
      expect((await sessionRows(app.pool)).some((r) => r.id === row.id)).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      const logged = warn.mock.calls[0]!.join(' ');
      expect(logged).toMatch(/Backend logout failed.*503/);
      for (const secret of [row.backendAccessToken, row.backendRefreshToken]) expect(logged).not.toContain(secret);
    } finally {
      warn.mockRestore();
    }
    // The backend session it could not end is still there: what the log line is for.
    proxy.setDown(false);
    expect((await backend('/api/auth/me', { token: row.backendAccessToken })).status).toBe(200);
  });

  it('answers null for a session that does not exist or has ended', async () => {
    expect(await app.tokens.accessToken('no-such-session')).toBeNull();
    const { cookie } = await signUp(app);
    const row = await sessionOf(app, cookie);
    await call(app, '/sign-out', { body: {}, cookie });
    expect(await app.tokens.accessToken(row.id)).toBeNull();
  });
});

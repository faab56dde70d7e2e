import { createHmac, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { cookieValue, createTestApp, type SignedInUser, type TestApp } from './kit/index.js';

async function liveTokens(t: TestApp, sessionId: string): Promise<number> {
  const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id = $1 AND spent_at IS NULL', [sessionId]);
  return count;
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString());
}

describe('Refresh-token rotation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
  });
  afterAll(() => t.close());

  const refresh = (token: string) => t.http().post('/api/auth/refresh').send({ refresh_token: token });

  it('returns a new pair and spends the presented token; the hash, never the token, is stored', async () => {
    const user = await t.signUp();
    const res = await refresh(user.refreshToken).expect(200);
    expect(res.body.refresh_token).not.toBe(user.refreshToken);
    expect(res.body.user.id).toBe(user.id);
    expect(res.headers['cache-control']).toBe('no-store');
    await t.bearer(res.body.access_token).get('/api/auth/me').expect(200);
    const stored = await t.db.query(`SELECT encode(token_hash, 'hex') AS h FROM refresh_tokens`);
    const all = JSON.stringify(stored);
    expect(all).not.toContain(user.refreshToken);
    expect(all).not.toContain(res.body.refresh_token);
    // The next rotation starts from the new token.
    await refresh(res.body.refresh_token).expect(200);
  });

  it('reads the token from the refresh_token cookie and sets new cookies', async () => {
    const user = await t.signUp();
    const res = await user.cookieAgent.post('/api/auth/refresh').expect(200);
    expect(cookieValue(res.headers['set-cookie'], 'refresh_token')).toBe(res.body.refresh_token);
    // The agent now holds the rotated cookie, so a second refresh works too.
    await user.cookieAgent.post('/api/auth/refresh').expect(200);
  });

  it('answers 401 for a missing or unknown token, and 422 for one longer than any we issue', async () => {
    await t.http().post('/api/auth/refresh').expect(401);
    await refresh('not-a-real-token').expect(401);
    const res = await refresh('x'.repeat(513)).expect(422);
    expect(res.body.errors[0].field).toBe('refresh_token');
  });

  it('within the grace window, the immediate parent returns the current pair again (same refresh token)', async () => {
    const user = await t.signUp();
    const first = await refresh(user.refreshToken).expect(200);
    t.clock.advanceSeconds(5);
    const again = await refresh(user.refreshToken).expect(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
    const sid = claimsOf(first.body.access_token).sid as string;
    expect(claimsOf(again.body.access_token).sid).toBe(sid);
    expect(await liveTokens(t, sid)).toBe(1);
    // The chain continues normally from the current token.
    await refresh(first.body.refresh_token).expect(200);
  });

  it('after the grace window, presenting the parent is reuse: the whole session is revoked', async () => {
    const user = await t.signUp();
    const first = await refresh(user.refreshToken).expect(200);
    t.clock.advanceSeconds(11);
    const reuse = await refresh(user.refreshToken).expect(401);
    expect(reuse.headers['www-authenticate']).toBe('Bearer');
    // The thief's and the owner's tokens are all dead now.
    await refresh(first.body.refresh_token).expect(401);
    await t.bearer(first.body.access_token).get('/api/auth/me').expect(401);
    const [session] = await t.db.query('SELECT revoked_at, revoked_reason FROM sessions WHERE id = $1', [claimsOf(first.body.access_token).sid]);
    expect(session.revoked_reason).toBe('refresh_reuse');
    const events = await t.db.query(`SELECT user_id FROM auth_events WHERE type = 'refresh_reuse_detected' AND user_id = $1`, [user.id]);
    expect(events).toHaveLength(1);
  });

  it('presenting an older ancestor (not the immediate parent) is reuse even inside the grace window', async () => {
    const user = await t.signUp();
    const first = await refresh(user.refreshToken).expect(200);
    const second = await refresh(first.body.refresh_token).expect(200);
    await refresh(user.refreshToken).expect(401);
    await refresh(second.body.refresh_token).expect(401);
  });

  it('20 parallel refreshes with one token: no 5xx, all answered with one chain, exactly one live token', async () => {
    const user = await t.signUp();
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(user.refreshToken)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const issued = new Set(results.map((r) => r.body.refresh_token));
    expect(issued.size).toBe(1);
    const sid = claimsOf(results[0].body.access_token).sid as string;
    expect(await liveTokens(t, sid)).toBe(1);
    await refresh([...issued][0]).expect(200);
  });

  it('a refresh token expires REFRESH_TOKEN_EXPIRE_DAYS after it was issued, not before', async () => {
    const [early, late] = [await t.signUp(), await t.signUp()];
    t.clock.advanceDays(7);
    t.clock.advanceSeconds(-60);
    await refresh(early.refreshToken).expect(200);
    t.clock.advanceSeconds(61);
    await refresh(late.refreshToken).expect(401);
  });

  it('no refresh keeps a session alive beyond SESSION_MAX_DAYS after sign-in', async () => {
    const user = await t.signUp();
    let token = user.refreshToken;
    for (const days of [6, 6, 6, 6, 5]) {
      t.clock.advanceDays(days);
      const res = await refresh(token).expect(200);
      token = res.body.refresh_token;
    }
    // Day 29: the newest token would live 7 more days, but the session ends at day 30.
    const [{ expires_at }] = await t.db.query(`SELECT expires_at FROM refresh_tokens WHERE token_hash = sha256($1::bytea)`, [Buffer.from(token)]);
    const [{ session_end }] = await t.db.query(
      `SELECT s.expires_at AS session_end FROM sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE r.token_hash = sha256($1::bytea)`,
      [Buffer.from(token)],
    );
    expect(new Date(expires_at).getTime()).toBe(new Date(session_end).getTime());
    t.clock.advanceDays(1);
    await refresh(token).expect(401);
  });

  afterEach(() => t.clock.reset());
});

describe('Access tokens that must be refused', () => {
  let t: TestApp;
  let user: SignedInUser;
  const me = (token: string) => t.bearer(token).get('/api/auth/me');
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  beforeAll(async () => {
    t = await createTestApp();
    user = await t.signUp();
  });
  afterAll(() => t.close());

  function validClaims(): Record<string, unknown> {
    return claimsOf(user.accessToken);
  }

  function sign(claims: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = t.config.jwt.secret): string {
    const unsigned = `${b64(header)}.${b64(claims)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  }

  // A failing test must not leave the clock ahead for the next ones (their tokens would expire).
  afterEach(() => t.clock.reset());

  it('accepts the genuine token (control)', async () => {
    await me(user.accessToken).expect(200);
    await me(sign(validClaims())).expect(200);
  });

  it('says invalid_token (RFC 6750) for a presented bad token, and only Bearer when none was sent', async () => {
    const bad = await me(`${user.accessToken}x`).expect(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const none = await t.http().get('/api/auth/me').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    // A wrong password is not a token problem: the client must not refresh and retry.
    const wrong = await user.agent.post('/api/auth/change-password').send({ currentPassword: 'not-the-password', newPassword: 'whatever-123' }).expect(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses alg=none', async () => {
    await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(validClaims())}.`).expect(401);
  });

  it('refuses a token signed with another key', async () => {
    await me(sign(validClaims(), undefined, 'another-secret-that-is-long-enough-0123456789')).expect(401);
  });

  it('refuses a tampered payload (role escalated) with the original signature', async () => {
    const [header, , signature] = user.accessToken.split('.');
    await me(`${header}.${b64({ ...validClaims(), role: 'admin' })}.${signature}`).expect(401);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await me(sign({ ...validClaims(), iat: now - 3600, exp: now - 10 })).expect(401);
  });

  it('stops accepting a token ACCESS_TOKEN_EXPIRE_MINUTES after it was issued', async () => {
    const fresh = await t.signIn(user);
    t.clock.advanceSeconds(29 * 60);
    await me(fresh.accessToken).expect(200);
    t.clock.advanceSeconds(61);
    await me(fresh.accessToken).expect(401);
  });

  it('refuses a token of another type, issuer or audience, or without the session claim', async () => {
    await me(sign({ ...validClaims(), type: 'refresh' })).expect(401);
    await me(sign({ ...validClaims(), iss: 'someone-else' })).expect(401);
    await me(sign({ ...validClaims(), aud: 'another-api' })).expect(401);
    const { sid: _sid, ...noSession } = validClaims();
    await me(sign(noSession)).expect(401);
  });

  it('refuses HS384/HS512 and RS256 headers even with our key (algorithm pinned)', async () => {
    const claims = validClaims();
    await me(jwt.sign(claims, t.config.jwt.secret, { algorithm: 'HS384' })).expect(401);
    await me(jwt.sign(claims, t.config.jwt.secret, { algorithm: 'HS512' })).expect(401);
    await me(sign(claims, { alg: 'RS256', typ: 'JWT' })).expect(401);
  });

  it('accepts only the exact header it signs with: kid, jku, crit or a missing typ are refused, even under our key', async () => {
    await me(sign(validClaims(), { alg: 'HS256', typ: 'JWT', kid: '../../dev/null', jku: 'http://127.0.0.1:1/keys.json' })).expect(401);
    await me(sign(validClaims(), { alg: 'HS256', typ: 'JWT', crit: ['exp'] })).expect(401);
    await me(sign(validClaims(), { alg: 'HS256' })).expect(401);
    await me(sign(validClaims(), { alg: 'HS256', typ: 'JWT', kid: 'other' }, 'attacker-key-attacker-key-attacker-key')).expect(401);
  });

  it('agrees with jsonwebtoken on genuine tokens, and refuses not-yet-valid, aud-array and non-canonical ones', async () => {
    const claims = validClaims();
    await me(jwt.sign(claims, t.config.jwt.secret, { algorithm: 'HS256' })).expect(200);
    const now = Math.floor(Date.now() / 1000);
    await me(sign({ ...claims, nbf: now + 60 })).expect(401);
    await me(sign({ ...claims, aud: [claims.aud] })).expect(401);
    // The same signature bytes with the unused trailing bits of base64url set: a different string.
    const genuine = sign(claims);
    const last = genuine.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = `${genuine.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(twin).not.toBe(genuine);
    await me(twin).expect(401);
    await me(`${genuine}.extra`).expect(401);
  });

  it('refuses a correctly signed token whose session does not exist', async () => {
    await me(sign({ ...validClaims(), sid: randomUUID() })).expect(401);
  });

  it('refuses garbage in the Authorization header', async () => {
    await t.http().get('/api/auth/me').set('Authorization', 'Bearer').expect(401);
    await t.http().get('/api/auth/me').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${'a'.repeat(5000)}`).expect(401);
  });
});

import { createTestApp, type TestApp } from '../../test/kit/index.js';
import { TokenService } from '../auth/token.service.js';
import { ProblemException } from '../common/problem.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { SessionsService } from './sessions.service.js';

/** The rotation service on a real PostgreSQL (no HTTP): the rules of API.md's "Rotation rules". */
describe('SessionsService (rotation, reuse detection, revocation)', () => {
  let t: TestApp;
  let sessions: SessionsService;
  const meta = { ip: '192.0.2.1', userAgent: 'spec' };

  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    sessions = t.app.get(SessionsService);
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.reset());

  /** The account as a sign-in has it after the password check: with its current hash. */
  const accountOf = (app: TestApp, id: string) => app.app.get(UsersService).get(id);

  async function open(service: SessionsService, account: User, options?: Parameters<SessionsService['create']>[2]) {
    const issued = await service.create(account, meta, options);
    if (!issued) throw new Error('create() opened no session');
    return issued;
  }

  async function newSession() {
    const user = await t.createUser();
    const issued = await open(sessions, await accountOf(t, user.id));
    return { user, issued };
  }

  const statusOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 200;
    } catch (error) {
      return (error as ProblemException).getStatus();
    }
  };

  it('create() stores only the hash of the refresh token and opens a session with an absolute limit', async () => {
    const { issued } = await newSession();
    const [row] = await t.db.query('SELECT token_hash, expires_at FROM refresh_tokens WHERE session_id = $1', [issued.sessionId]);
    expect(Buffer.compare(row.token_hash, TokenService.hash(issued.refreshToken))).toBe(0);
    const [session] = await t.db.query('SELECT created_at, expires_at FROM sessions WHERE id = $1', [issued.sessionId]);
    expect(new Date(session.expires_at).getTime() - new Date(session.created_at).getTime()).toBe(30 * 86_400_000);
    expect(new Date(row.expires_at).getTime() - new Date(session.created_at).getTime()).toBe(7 * 86_400_000);
  });

  it('create() opens nothing, and records no sign-in, once the verified hash is no longer the account’s or the account is disabled', async () => {
    const user = await t.createUser();
    const account = await accountOf(t, user.id);
    await t.db.query(`UPDATE users SET password_hash = 'replaced' WHERE id = $1`, [user.id]);
    expect(await sessions.create(account, meta, { event: 'login_success' })).toBeNull();
    const fresh = await accountOf(t, user.id);
    await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    expect(await sessions.create(fresh, meta, { event: 'login_success' })).toBeNull();
    expect(await t.db.query('SELECT 1 FROM sessions WHERE user_id = $1', [user.id])).toHaveLength(0);
    expect(await t.db.query('SELECT 1 FROM auth_events WHERE user_id = $1', [user.id])).toHaveLength(0);
  });

  it('create() waits for a password change in flight and then opens nothing: a reset cannot miss a sign-in that verified the old password', async () => {
    const user = await t.createUser();
    const account = await accountOf(t, user.id);
    const reset = t.db.createQueryRunner();
    await reset.connect();
    try {
      await reset.startTransaction();
      await reset.query(`UPDATE users SET password_hash = 'reset' WHERE id = $1`, [user.id]);
      let settled = false;
      const signIn = sessions.create(account, meta).finally(() => (settled = true));
      await t.untilALockIsAwaited();
      expect(settled).toBe(false); // held by the reset's row lock
      await reset.commitTransaction();
      expect(await signIn).toBeNull();
    } finally {
      await reset.release();
    }
    expect(await t.db.query('SELECT 1 FROM sessions WHERE user_id = $1', [user.id])).toHaveLength(0);
  });

  it('rotate() spends the live token, links the child to it and updates last use', async () => {
    const { issued } = await newSession();
    const [before] = await t.db.query('SELECT last_used_at FROM sessions WHERE id = $1', [issued.sessionId]);
    t.clock.advanceSeconds(60);
    const { tokens } = await sessions.rotate(issued.refreshToken, { ip: '192.0.2.2', userAgent: 'other' });
    const rows = await t.db.query('SELECT id, parent_id, spent_at FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at', [issued.sessionId]);
    expect(rows).toHaveLength(2);
    expect(rows[0].spent_at).not.toBeNull();
    expect(rows[1]).toMatchObject({ parent_id: rows[0].id, spent_at: null });
    const [session] = await t.db.query('SELECT last_used_at, ip, user_agent FROM sessions WHERE id = $1', [issued.sessionId]);
    expect(session).toMatchObject({ ip: '192.0.2.2', user_agent: 'other' });
    // The fake clock moved 60 s; real time, a few ms.
    expect(new Date(session.last_used_at).getTime() - new Date(before.last_used_at).getTime()).toBeGreaterThanOrEqual(60_000);
    expect(new Date(session.last_used_at).getTime() - new Date(before.last_used_at).getTime()).toBeLessThan(61_000);
    expect(tokens.sessionId).toBe(issued.sessionId);
  });

  it('answers the parent within the grace window with the live token, and treats it as reuse after', async () => {
    const { issued } = await newSession();
    const first = await sessions.rotate(issued.refreshToken, meta);
    t.clock.advanceSeconds(9);
    expect((await sessions.rotate(issued.refreshToken, meta)).tokens.refreshToken).toBe(first.tokens.refreshToken);
    t.clock.advanceSeconds(2);
    expect(await statusOf(sessions.rotate(issued.refreshToken, meta))).toBe(401);
    const [session] = await t.db.query('SELECT revoked_reason FROM sessions WHERE id = $1', [issued.sessionId]);
    expect(session.revoked_reason).toBe('refresh_reuse');
    expect(await statusOf(sessions.rotate(first.tokens.refreshToken, meta))).toBe(401);
  });

  it('keeps exactly one sealed successor per session (the grandparent’s is cleared)', async () => {
    const { issued } = await newSession();
    const a = await sessions.rotate(issued.refreshToken, meta);
    await sessions.rotate(a.tokens.refreshToken, meta);
    const [{ sealed }] = await t.db.query('SELECT count(*)::int AS sealed FROM refresh_tokens WHERE session_id = $1 AND successor_ciphertext IS NOT NULL', [
      issued.sessionId,
    ]);
    expect(sealed).toBe(1);
  });

  it('serializes concurrent rotations of one family: one chain, one live token, no errors', async () => {
    const { issued } = await newSession();
    const results = await Promise.all(Array.from({ length: 20 }, () => sessions.rotate(issued.refreshToken, meta)));
    expect(new Set(results.map((r) => r.tokens.refreshToken)).size).toBe(1);
    const [{ live }] = await t.db.query('SELECT count(*)::int AS live FROM refresh_tokens WHERE session_id = $1 AND spent_at IS NULL', [issued.sessionId]);
    expect(live).toBe(1);
  });

  it('a rotation racing a sign-out everywhere never leaves a usable token behind', async () => {
    for (let round = 0; round < 10; round++) {
      const { user, issued } = await newSession();
      const [rotation] = await Promise.allSettled([sessions.rotate(issued.refreshToken, meta), sessions.revokeAllForUser(user.id, 'logout_all')]);
      const [{ live }] = await t.db.query('SELECT count(*)::int AS live FROM refresh_tokens WHERE session_id = $1 AND spent_at IS NULL', [issued.sessionId]);
      expect(live).toBe(0);
      // Whichever won, the pair it may have handed out is dead now.
      if (rotation.status === 'fulfilled') expect(await statusOf(sessions.rotate(rotation.value.tokens.refreshToken, meta))).toBe(401);
      expect(await sessions.findActivePrincipal(user.id, issued.sessionId)).toBeUndefined();
    }
  });

  it('a rotation records the new link, its expiry and the session’s last use and address', async () => {
    const { issued } = await newSession();
    t.clock.advanceSeconds(300);
    const before = t.clock.now();
    const rotated = await sessions.rotate(issued.refreshToken, { ip: '198.51.100.7', userAgent: 'moved' });
    const [session] = await t.db.query('SELECT last_used_at, ip, user_agent, expires_at FROM sessions WHERE id = $1', [issued.sessionId]);
    expect(session).toMatchObject({ ip: '198.51.100.7', user_agent: 'moved' });
    expect(session.last_used_at.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const [child] = await t.db.query('SELECT expires_at, parent_id IS NOT NULL AS linked FROM refresh_tokens WHERE token_hash = $1', [TokenService.hash(rotated.tokens.refreshToken)]);
    expect(child).toEqual({ expires_at: rotated.tokens.refreshExpiresAt, linked: true });
    expect(rotated.user).not.toHaveProperty('passwordHash');
  });

  it('refuses refresh for a disabled account and a revoked session', async () => {
    const disabled = await newSession();
    await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [disabled.user.id]);
    expect(await statusOf(sessions.rotate(disabled.issued.refreshToken, meta))).toBe(401);

    const revoked = await newSession();
    expect(await sessions.revoke(revoked.issued.sessionId, 'logout')).toBe(true);
    expect(await sessions.revoke(revoked.issued.sessionId, 'logout')).toBe(false);
    expect(await statusOf(sessions.rotate(revoked.issued.refreshToken, meta))).toBe(401);
  });

  it('findActivePrincipal() answers only for a live session of an active user', async () => {
    const { user, issued } = await newSession();
    expect(await sessions.findActivePrincipal(user.id, issued.sessionId)).toEqual({ id: user.id, sessionId: issued.sessionId, email: user.email, role: 'user' });
    const other = await t.createUser();
    expect(await sessions.findActivePrincipal(other.id, issued.sessionId)).toBeUndefined();
    t.clock.advanceDays(31);
    expect(await sessions.findActivePrincipal(user.id, issued.sessionId)).toBeUndefined();
  });

  it('findActivePrincipal() answers concurrent checks each for its own session, in one go', async () => {
    const live = await Promise.all([newSession(), newSession(), newSession()]);
    const revoked = await newSession();
    await sessions.revoke(revoked.issued.sessionId, 'logout');
    const disabled = await newSession();
    await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [disabled.user.id]);
    const answers = await Promise.all([
      ...live.map(({ user, issued }) => sessions.findActivePrincipal(user.id, issued.sessionId)),
      sessions.findActivePrincipal(revoked.user.id, revoked.issued.sessionId),
      sessions.findActivePrincipal(disabled.user.id, disabled.issued.sessionId),
      // A live session presented with another subject, and one that never existed.
      sessions.findActivePrincipal(live[1].user.id, live[0].issued.sessionId),
      sessions.findActivePrincipal(live[0].user.id, '00000000-0000-4000-8000-000000000000'),
      sessions.findActivePrincipal(live[2].user.id, live[2].issued.sessionId),
    ]);
    expect(answers).toEqual([
      ...live.map(({ user, issued }) => ({ id: user.id, sessionId: issued.sessionId, email: user.email, role: 'user' })),
      undefined,
      undefined,
      undefined,
      undefined,
      { id: live[2].user.id, sessionId: live[2].issued.sessionId, email: live[2].user.email, role: 'user' },
    ]);
    // A revocation committed before a check is seen by it, however busy the server is.
    await sessions.revoke(live[0].issued.sessionId, 'logout');
    expect(await sessions.findActivePrincipal(live[0].user.id, live[0].issued.sessionId)).toBeUndefined();
  });

  it('a sign-in relaxes only its own commit: the pooled connection and a registration stay synchronous', async () => {
    const single = await createTestApp({ env: { DATABASE_POOL_SIZE: '1' } });
    try {
      const service = single.app.get(SessionsService);
      const user = await single.createUser();
      const account = await accountOf(single, user.id);
      const issued = await open(service, account, { event: 'login_success' });
      const [{ count }] = await single.db.query(`SELECT count(*)::int AS count FROM auth_events WHERE session_id = $1 AND type = 'login_success'`, [issued.sessionId]);
      expect(count).toBe(1);
      // One connection in the pool: the next statement runs where the sign-in ran.
      const [after] = await single.db.query(`SELECT current_setting('synchronous_commit') AS value`);
      expect(after.value).toBe('on');
      await single.db.transaction(async (em) => {
        await open(service, account, { event: 'register', manager: em });
        const [inside] = await em.query(`SELECT current_setting('synchronous_commit') AS value`);
        expect(inside.value).toBe('on');
      });
    } finally {
      await single.close();
    }
  });

  it('revokeAllForUser() can spare the caller’s session', async () => {
    const { user, issued } = await newSession();
    const second = await open(sessions, await accountOf(t, user.id));
    expect(await sessions.revokeAllForUser(user.id, 'password_changed', { except: issued.sessionId })).toBe(1);
    expect(await sessions.findActivePrincipal(user.id, issued.sessionId)).toBeDefined();
    expect(await sessions.findActivePrincipal(user.id, second.sessionId)).toBeUndefined();
  });
});

describe('TokenService sealing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('round-trips a token, and refuses a tampered box or another key', async () => {
    const tokens = t.app.get(TokenService);
    const box = tokens.seal('the-token');
    expect(box.toString('utf8')).not.toContain('the-token');
    expect(tokens.unseal(box)).toBe('the-token');
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1] ^= 1;
    expect(tokens.unseal(tampered)).toBeUndefined();
    const other = await createTestApp();
    try {
      expect(other.app.get(TokenService).unseal(box)).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, type SignedInUser, type TestApp } from './kit/index.js';

/** The security audit trail (`GET /api/admin/auth-events`) and the ADMIN_EMAIL/ADMIN_PASSWORD bootstrap. */

interface AuthEventBody {
  id: string;
  type: string;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
  createdAt: string;
}

const EVENT_FIELDS = ['createdAt', 'detail', 'id', 'ip', 'sessionId', 'type', 'userAgent', 'userId'];

// Mixed case on purpose: emails are unique ignoring case, so the bootstrap must not create a second one.
const ADMIN_EMAIL = `Root.Admin.${randomBytes(4).toString('hex')}@Example.com`;
const ADMIN_PASSWORD = `bootstrap-${randomBytes(12).toString('base64url')}`;
const ADMIN_ENV = { ADMIN_EMAIL, ADMIN_PASSWORD };

function expectProblem(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

function sessionIdOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')).sid;
}

/** The forms a leaked token could take in storage: itself, and its SHA-256 as hex or base64. */
function tokenForms(token: string): string[] {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  return [token, digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
}

describe('Admin audit trail and bootstrap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: ADMIN_ENV });
  });
  afterAll(() => t.close());

  async function passwordHashOf(email: string): Promise<string[]> {
    const rows = (await t.db.query('SELECT password_hash FROM users WHERE lower(email) = lower($1)', [email])) as { password_hash: string }[];
    return rows.map((r) => r.password_hash);
  }

  describe('GET /api/admin/auth-events', () => {
    let admin: SignedInUser;
    let user: SignedInUser;
    let second: SignedInUser;
    const wrongPassword = `wrong-${randomBytes(9).toString('base64url')}`;
    const strangerPassword = `stranger-${randomBytes(9).toString('base64url')}`;
    // Newest first, as the trail must list them for `user`.
    const EXPECTED = ['user_disabled', 'role_changed', 'logout', 'login_failure', 'login_success', 'register'];

    /** Audit timestamps come from the app's clock: one second apart makes "newest first" unambiguous. */
    const tick = () => t.clock.advanceSeconds(1);

    function events(query: Record<string, string | number> = {}) {
      return admin.agent.get('/api/admin/auth-events').query(query);
    }

    beforeAll(async () => {
      admin = await t.signIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      tick();
      user = await t.signUp();
      tick();
      second = await t.signIn(user);
      tick();
      expectProblem(await t.http().post('/api/auth/login').send({ email: user.email, password: wrongPassword }), 401);
      tick();
      expectProblem(await t.http().post('/api/auth/login').send({ email: `nobody.${randomBytes(4).toString('hex')}@example.com`, password: strangerPassword }), 401);
      tick();
      await second.agent.post('/api/auth/logout').expect(200);
      tick();
      await admin.agent.patch(`/api/users/${user.id}`).send({ role: 'admin' }).expect(200);
      tick();
      await admin.agent.patch(`/api/users/${user.id}`).send({ isActive: false }).expect(200);
    });

    it('lists the user’s events newest first: register, login success and failure, logout, role change, disabling', async () => {
      const res = await events({ userId: user.id }).expect(200);
      expect(res.body).toMatchObject({ total: EXPECTED.length, limit: 20, offset: 0 });
      const list = res.body.events as AuthEventBody[];
      expect(list.map((e) => e.type)).toEqual(EXPECTED);
      for (const e of list) {
        expect(Object.keys(e).sort()).toEqual(EVENT_FIELDS);
        expect(e.userId).toBe(user.id);
        expect(Number.isNaN(Date.parse(e.createdAt))).toBe(false);
      }
      const stamps = list.map((e) => Date.parse(e.createdAt));
      expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
      expect(new Set(stamps).size).toBe(stamps.length);

      const byType = Object.fromEntries(list.map((e) => [e.type, e]));
      expect(byType.register.sessionId).toBe(sessionIdOf(user.accessToken));
      expect(byType.login_success.sessionId).toBe(sessionIdOf(second.accessToken));
      expect(byType.logout.sessionId).toBe(sessionIdOf(second.accessToken));
    });

    it('records a wrong password given to change the password, the email or to delete the account, with the session that gave it and never the password', async () => {
      const victim = await t.signUp();
      const guess = `guess-${randomBytes(9).toString('base64url')}`;
      expectProblem(await victim.agent.post('/api/auth/change-password').send({ currentPassword: guess, newPassword: `next-${guess}` }), 401);
      tick();
      expectProblem(await victim.agent.patch('/api/users/me').send({ email: `moved.${victim.email}`, currentPassword: guess }), 401);
      tick();
      expectProblem(await victim.agent.delete('/api/users/me').send({ password: guess }), 401);

      const res = await events({ userId: victim.id, type: 'reauth_failure' }).expect(200);
      const list = res.body.events as AuthEventBody[];
      expect(list.map((e) => e.detail)).toEqual([{ action: 'delete_account' }, { action: 'change_email' }, { action: 'change_password' }]);
      for (const e of list) expect(e.sessionId).toBe(sessionIdOf(victim.accessToken));
      expect(JSON.stringify(res.body)).not.toContain(guess);
    });

    it('the whole trail is newest first too', async () => {
      const res = await events({ limit: 100 }).expect(200);
      const stamps = (res.body.events as AuthEventBody[]).map((e) => Date.parse(e.createdAt));
      expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM auth_events');
      expect(res.body.total).toBe(n);
    });

    it('filters by type, alone and with userId', async () => {
      const failures = await events({ type: 'login_failure' }).expect(200);
      const list = failures.body.events as AuthEventBody[];
      expect(list.length).toBeGreaterThanOrEqual(2);
      expect(list.every((e) => e.type === 'login_failure')).toBe(true);
      expect(failures.body.total).toBe(list.length);
      expect(list.map((e) => e.userId)).toContain(user.id);
      // A failure for an unknown email belongs to no user.
      expect(list.map((e) => e.userId)).toContain(null);

      const one = await events({ userId: user.id, type: 'role_changed' }).expect(200);
      expect(one.body.total).toBe(1);
      expect(one.body.events).toHaveLength(1);
      expect(one.body.events[0]).toMatchObject({ type: 'role_changed', userId: user.id });

      const none = await events({ userId: user.id, type: 'password_reset' }).expect(200);
      expect(none.body).toEqual({ events: [], total: 0, limit: 20, offset: 0 });
    });

    it('paginates with limit and offset', async () => {
      const pages: string[][] = [];
      for (const offset of [0, 2, 4]) {
        const res = await events({ userId: user.id, limit: 2, offset }).expect(200);
        expect(res.body).toMatchObject({ total: EXPECTED.length, limit: 2, offset });
        pages.push((res.body.events as AuthEventBody[]).map((e) => e.type));
      }
      expect(pages).toEqual([EXPECTED.slice(0, 2), EXPECTED.slice(2, 4), EXPECTED.slice(4, 6)]);
      const past = await events({ userId: user.id, limit: 2, offset: 6 }).expect(200);
      expect(past.body).toEqual({ events: [], total: EXPECTED.length, limit: 2, offset: 6 });
    });

    it.each([
      ['userId=abc', { userId: 'abc' }, 'userId'],
      ['type=bogus', { type: 'bogus' }, 'type'],
      ['limit=0', { limit: 0 }, 'limit'],
      ['limit=101', { limit: 101 }, 'limit'],
      ['offset=-1', { offset: -1 }, 'offset'],
      ['offset=1e20', { offset: '99999999999999999999' }, 'offset'],
    ])('%s is 422', async (_case, query, field) => {
      const res = await events(query);
      expectProblem(res, 422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('never holds a password, a token or a hash', async () => {
      const bodies: string[] = [];
      let offset = 0;
      for (;;) {
        const res = await events({ limit: 100, offset }).expect(200);
        bodies.push(JSON.stringify(res.body));
        offset += 100;
        if (offset >= res.body.total) break;
      }
      const text = bodies.join('\n');
      expect(text).toContain(user.id);
      const secrets = [
        ADMIN_PASSWORD,
        user.password,
        wrongPassword,
        strangerPassword,
        ...[admin, user, second].flatMap((u) => [...tokenForms(u.accessToken), ...tokenForms(u.refreshToken)]),
      ];
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\$argon2|password_?hash|token_?hash/i);
      const hashes = (await t.db.query('SELECT password_hash FROM users')) as { password_hash: string }[];
      for (const { password_hash } of hashes) expect(text).not.toContain(password_hash);
    });

    it('is 403 with a problem body for a normal user', async () => {
      const normal = await t.signUp();
      const res = await normal.agent.get('/api/admin/auth-events');
      expectProblem(res, 403);
      expect(JSON.stringify(res.body)).not.toContain(user.id);
      expectProblem(await normal.agent.get('/api/admin/auth-events').query({ userId: normal.id }), 403);
    });

    it('is 403 for an admin who has been demoted, on their existing token', async () => {
      const other = await t.asAdmin();
      await other.agent.get('/api/admin/auth-events').expect(200);
      await admin.agent.patch(`/api/users/${other.id}`).send({ role: 'user' }).expect(200);
      expectProblem(await other.agent.get('/api/admin/auth-events'), 403);
    });

    it('is 401 without a token', async () => {
      expectProblem(await t.http().get('/api/admin/auth-events'), 401);
    });
  });

  // These start more app instances in this process, each with its own secret and database pool
  // (authentication is a plain guard, not a passport strategy in a process-wide registry).
  describe('ADMIN_EMAIL / ADMIN_PASSWORD bootstrap', () => {
    it('creates an admin on start who can sign in and list users', async () => {
      const res = await t.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      expect(res.body.user).toMatchObject({ email: ADMIN_EMAIL.toLowerCase(), role: 'admin', isActive: true });
      expect(JSON.stringify(res.body)).not.toContain(ADMIN_PASSWORD);
      const list = await t.bearer(res.body.access_token).get('/api/users').expect(200);
      expect(list.body.users.map((u: { email: string }) => u.email)).toContain(ADMIN_EMAIL.toLowerCase());
      expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|password_hash|\$argon2/);
      expect(await passwordHashOf(ADMIN_EMAIL)).toHaveLength(1);
    });

    it('a second instance on the same database with the same settings starts, and creates no duplicate', async () => {
      const [hashBefore] = await passwordHashOf(ADMIN_EMAIL);
      const second = await createTestApp({ databaseUrl: t.databaseUrl, env: ADMIN_ENV });
      try {
        expect(await passwordHashOf(ADMIN_EMAIL)).toEqual([hashBefore]);
        const res = await second.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        expect(res.body.user.role).toBe('admin');
        await second.bearer(res.body.access_token).get('/api/users').expect(200);
      } finally {
        await second.close();
      }
      // The first instance still signs the admin in after the second one's start and stop.
      await t.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
    });

    it('a changed ADMIN_PASSWORD does not overwrite the existing account', async () => {
      const [hashBefore] = await passwordHashOf(ADMIN_EMAIL);
      const otherPassword = `changed-${randomBytes(12).toString('base64url')}`;
      const third = await createTestApp({ databaseUrl: t.databaseUrl, env: { ADMIN_EMAIL: ADMIN_EMAIL.toLowerCase(), ADMIN_PASSWORD: otherPassword } });
      try {
        expect(await passwordHashOf(ADMIN_EMAIL)).toEqual([hashBefore]);
        expectProblem(await third.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: otherPassword }), 401);
        await third.http().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      } finally {
        await third.close();
      }
    });

    it('an existing ordinary account named by ADMIN_EMAIL is left alone, not promoted', async () => {
      const existing = await t.signUp();
      const [hashBefore] = await passwordHashOf(existing.email);
      const other = await createTestApp({ databaseUrl: t.databaseUrl, env: { ADMIN_EMAIL: existing.email, ADMIN_PASSWORD: `takeover-${randomBytes(8).toString('hex')}` } });
      try {
        const [row] = await t.db.query('SELECT role, password_hash FROM users WHERE id = $1', [existing.id]);
        expect(row).toEqual({ role: 'user', password_hash: hashBefore });
        const res = await other.http().post('/api/auth/login').send({ email: existing.email, password: existing.password }).expect(200);
        expect(res.body.user.role).toBe('user');
        expectProblem(await other.bearer(res.body.access_token).get('/api/users'), 403);
      } finally {
        await other.close();
      }
    });
  });
});

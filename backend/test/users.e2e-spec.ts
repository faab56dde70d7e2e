import { randomBytes, randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Response } from 'supertest';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { ListUsersQuery } from '../src/users/dto/user.dto.js';
import { User } from '../src/users/user.entity.js';
import { userListQuery } from '../src/users/users.service.js';
import { createTestApp, uniqueEmail, type SignedInUser, type TestApp } from './kit/index.js';

/** `/api/users` as API.md describes it: the caller's own account and the admin routes. */

const USER_FIELDS = ['createdAt', 'email', 'id', 'isActive', 'name', 'role', 'updatedAt'];

function expectProblem(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

function expectFieldError(res: Response, field: string): void {
  expectProblem(res, 422);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

/** Every response that carries a user: never a hash, under any name, nor the password itself. */
function expectNoSecrets(res: Response, ...secrets: string[]): void {
  const text = JSON.stringify(res.body) + (res.text ?? '');
  expect(text).not.toMatch(/passwordHash|password_hash|\$argon2/i);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

function expectUser(res: Response, secrets: string[] = []): void {
  expectNoSecrets(res, ...secrets);
  expect(Object.keys(res.body).sort()).toEqual(USER_FIELDS);
  expect(['user', 'admin']).toContain(res.body.role);
  expect(typeof res.body.isActive).toBe('boolean');
}

describe('Users API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function login(email: string, password: string): Promise<Response> {
    return t.http().post('/api/auth/login').send({ email, password });
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return n;
  }

  describe('/api/users/me', () => {
    it('GET returns the caller as a User', async () => {
      const user = await t.signUp({ name: 'Ada Lovelace' });
      const res = await user.agent.get('/api/users/me').expect(200);
      expectUser(res, [user.password, user.accessToken, user.refreshToken]);
      expect(res.body).toMatchObject({ id: user.id, email: user.email.toLowerCase(), name: 'Ada Lovelace', role: 'user', isActive: true });
    });

    it('GET of an account deleted after its session was checked is 401 invalid_token, like the next request, not 404', async () => {
      const sessions = t.app.get(SessionsService);
      for (const path of ['/api/users/me', '/api/auth/me']) {
        const user = await t.signUp();
        const check = sessions.findActivePrincipal.bind(sessions);
        jest.spyOn(sessions, 'findActivePrincipal').mockImplementationOnce(async (userId, sessionId) => {
          const principal = await check(userId, sessionId);
          await t.db.query('DELETE FROM users WHERE id = $1', [user.id]);
          return principal;
        });
        const res = await user.agent.get(path);
        expect({ path, status: res.status, challenge: res.headers['www-authenticate'] }).toEqual({ path, status: 401, challenge: 'Bearer error="invalid_token"' });
      }
      jest.restoreAllMocks();
    });

    it('GET without a token is 401', async () => {
      expectProblem(await t.http().get('/api/users/me'), 401);
    });

    it('PATCH changes the name', async () => {
      const user = await t.signUp({ name: 'Old Name' });
      const res = await user.agent.patch('/api/users/me').send({ name: 'New Name' }).expect(200);
      expectUser(res, [user.password]);
      expect(res.body).toMatchObject({ id: user.id, name: 'New Name', email: user.email.toLowerCase() });
      expect((await user.agent.get('/api/users/me').expect(200)).body.name).toBe('New Name');
    });

    it('PATCH changes the email with the current password; the account then signs in with the new one only', async () => {
      const user = await t.signUp();
      const newEmail = uniqueEmail('renamed');
      const res = await user.agent.patch('/api/users/me').send({ email: newEmail, currentPassword: user.password }).expect(200);
      expectUser(res, [user.password]);
      expect(res.body.email).toBe(newEmail.toLowerCase());
      expect((await user.agent.get('/api/users/me').expect(200)).body.email).toBe(newEmail.toLowerCase());
      const ok = await login(newEmail, user.password);
      expect(ok.status).toBe(200);
      expectNoSecrets(ok, user.password);
      expectProblem(await login(user.email, user.password), 401);
    });

    it('PATCH to a new email tells the address it leaves, where a takeover would otherwise go unseen; a name change mails nothing', async () => {
      const user = await t.signUp();
      const previous = user.email.toLowerCase();
      await user.agent.patch('/api/users/me').send({ name: 'Renamed' }).expect(200);
      const newEmail = uniqueEmail('moved');
      await user.agent.patch('/api/users/me').send({ email: newEmail, currentPassword: user.password }).expect(200);
      const notice = await t.waitForMail(previous);
      expect(notice.subject).toMatch(/email/i);
      expect(notice.text).toMatch(/changed/);
      // The old mailbox learns that it changed, not where to: that is the account's business now.
      expect(notice.text).not.toContain(newEmail.toLowerCase());
      expect(t.outbox.filter((m) => m.to === previous)).toHaveLength(1);
      expect(t.outbox.filter((m) => m.to === newEmail.toLowerCase())).toHaveLength(0);
    });

    it('PATCH changes name and email together', async () => {
      const user = await t.signUp();
      const newEmail = uniqueEmail('both');
      const res = await user.agent.patch('/api/users/me').send({ name: 'Both', email: newEmail, currentPassword: user.password }).expect(200);
      expectUser(res);
      expect(res.body).toMatchObject({ name: 'Both', email: newEmail.toLowerCase() });
    });

    it('PATCH to an email another account has, even in different case, is 409 "Email already registered"', async () => {
      const other = await t.signUp();
      const user = await t.signUp();
      for (const email of [other.email, other.email.toUpperCase(), `  ${other.email.replace(/^./, (c) => c.toUpperCase())} `]) {
        const res = await user.agent.patch('/api/users/me').send({ email, currentPassword: user.password });
        expectProblem(res, 409);
        expect(res.body.detail).toContain('Email already registered');
        expectNoSecrets(res, other.password, user.password);
      }
      expect((await user.agent.get('/api/users/me').expect(200)).body.email).toBe(user.email.toLowerCase());
      await login(other.email, other.password).then((r) => expect(r.status).toBe(200));
    });

    it('PATCH to the email of an account that is taking the caller’s at the same moment (a swap) is 409, never a 500', async () => {
      const user = await t.signUp();
      const other = await t.signUp();
      // The other account's change, pinned where the race puts it: its row already written (its own
      // address let go), the caller's address not yet checked.
      const swap = t.db.createQueryRunner();
      await swap.connect();
      try {
        await swap.startTransaction();
        await swap.query(`UPDATE users SET email = $2 WHERE id = $1`, [other.id, uniqueEmail('interim')]);
        const patch = user.agent.patch('/api/users/me').send({ email: other.email, currentPassword: user.password }).then((res) => [res.status, res.body.detail]);
        await t.untilALockIsAwaited(); // the PATCH waits for the other account's address to be let go
        const taking = swap.query(`UPDATE users SET email = $2 WHERE id = $1`, [other.id, user.email.toLowerCase()]).catch(() => undefined);
        // Each now waits for the other: PostgreSQL fails one of them (a deadlock). Either way the address was taken.
        expect(await patch).toEqual([409, 'Email already registered']);
        await taking;
      } finally {
        await swap.rollbackTransaction().catch(() => undefined);
        await swap.release();
      }
      expect((await user.agent.get('/api/users/me').expect(200)).body.email).toBe(user.email.toLowerCase());
    });

    it('PATCH refuses a new email without the current password (422) or with a wrong one (401), changing nothing', async () => {
      const user = await t.signUp({ name: 'Kept' });
      const newEmail = uniqueEmail('takeover');
      const missing = await user.agent.patch('/api/users/me').send({ name: 'Changed', email: newEmail });
      expectFieldError(missing, 'currentPassword');
      const wrong = await user.agent.patch('/api/users/me').send({ name: 'Changed', email: newEmail, currentPassword: 'not-my-password' });
      expectProblem(wrong, 401);
      expect(wrong.body.detail).toBe('The current password is incorrect.');
      expect((await user.agent.get('/api/users/me').expect(200)).body).toMatchObject({ name: 'Kept', email: user.email.toLowerCase() });
      expectProblem(await login(newEmail, user.password), 401);
    });

    it('PATCH may clear the name with null', async () => {
      const user = await t.signUp({ name: 'Someone' });
      const res = await user.agent.patch('/api/users/me').send({ name: null }).expect(200);
      expectUser(res);
      expect(res.body.name).toBeNull();
    });

    it('PATCH to the caller’s own email in another case is not a conflict', async () => {
      const user = await t.signUp();
      const res = await user.agent.patch('/api/users/me').send({ email: user.email.toUpperCase() }).expect(200);
      expect(res.body.email).toBe(user.email.toLowerCase());
    });

    it.each([
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['an email without a domain', { email: 'someone@' }, 'email'],
      ['a numeric email', { email: 42 }, 'email'],
      ['a null email', { email: null }, 'email'],
      ['a 101-character name', { name: 'n'.repeat(101) }, 'name'],
      ['a name of 51 "❤️" (102 characters to PostgreSQL)', { name: '❤️'.repeat(51) }, 'name'],
      ['a numeric name', { name: 7 }, 'name'],
      ['a NUL character in the name', { name: 'a\u0000b' }, 'name'],
      ['a lone surrogate in the name', { name: 'x\udc00y' }, 'name'],
      ['a lone surrogate in the email', { email: 'a\ud800b@example.com', currentPassword: 'irrelevant' }, 'email'],
    ])('PATCH refuses %s with 422 and changes nothing', async (_case, body, field) => {
      const user = await t.signUp({ name: 'Unchanged' });
      expectFieldError(await user.agent.patch('/api/users/me').send(body), field);
      expect((await user.agent.get('/api/users/me').expect(200)).body).toMatchObject({ name: 'Unchanged', email: user.email.toLowerCase() });
    });

    it.each([
      ['role', 'admin'],
      ['isActive', false],
      ['passwordHash', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'],
      ['password_hash', 'x'],
      ['password', 'a-new-password-123'],
      ['id', randomUUID()],
      ['createdAt', '2000-01-01T00:00:00.000Z'],
    ])('PATCH refuses the field %s with 422 (no privilege escalation or mass assignment)', async (field, value) => {
      const user = await t.signUp();
      const res = await user.agent.patch('/api/users/me').send({ name: 'Escalator', [field]: value });
      expectFieldError(res, field);
      const me = await user.agent.get('/api/users/me').expect(200);
      expect(me.body).toMatchObject({ id: user.id, role: 'user', isActive: true });
      expect(me.body.name).not.toBe('Escalator');
      expectProblem(await user.agent.get('/api/users'), 403);
      // The password is what it was.
      await login(user.email, user.password).then((r) => expect(r.status).toBe(200));
      const [row] = await t.db.query('SELECT role, is_active FROM users WHERE id = $1', [user.id]);
      expect(row).toEqual({ role: 'user', is_active: true });
    });

    it('PATCH without a token is 401', async () => {
      expectProblem(await t.http().patch('/api/users/me').send({ name: 'x' }), 401);
    });

    describe('DELETE', () => {
      async function populated(): Promise<{ user: SignedInUser; second: SignedInUser }> {
        const user = await t.signUp();
        await t.createTask(user, { title: 'one' });
        await t.createTask(user, { title: 'two' });
        const second = await t.signIn(user);
        return { user, second };
      }

      it('with a wrong password is 401 and deletes nothing', async () => {
        const { user, second } = await populated();
        const res = await user.agent.delete('/api/users/me').send({ password: `${user.password}-wrong` });
        expectProblem(res, 401);
        expectNoSecrets(res, user.password);
        await user.agent.get('/api/users/me').expect(200);
        await second.agent.get('/api/users/me').expect(200);
        expect((await user.agent.get('/api/tasks').expect(200)).body.total).toBe(2);
        expect(await count('users WHERE id = $1', [user.id])).toBe(1);
        expect(await count('sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id])).toBe(2);
      });

      it('without a password is 422 and deletes nothing', async () => {
        const { user } = await populated();
        expectFieldError(await user.agent.delete('/api/users/me').send({}), 'password');
        expect(await count('users WHERE id = $1', [user.id])).toBe(1);
      });

      it('without a token is 401', async () => {
        expectProblem(await t.http().delete('/api/users/me').send({ password: 'whatever-password' }), 401);
      });

      it('with the right password is 204: the user, their tasks and sessions are gone, and nobody else’s', async () => {
        const bystander = await t.signUp();
        await t.createTask(bystander, { title: 'bystander task' });
        const { user, second } = await populated();
        expect(await count('tasks WHERE user_id = $1', [user.id])).toBe(2);

        const res = await user.agent.delete('/api/users/me').send({ password: user.password });
        expect(res.status).toBe(204);
        expect(res.text).toBe('');

        expect(await count('users WHERE id = $1', [user.id])).toBe(0);
        expect(await count('tasks WHERE user_id = $1', [user.id])).toBe(0);
        expect(await count('sessions WHERE user_id = $1', [user.id])).toBe(0);
        expect(await count('refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE s.user_id = $1', [user.id])).toBe(0);

        // Both of their sessions are dead at once: access tokens, refresh token, and the password.
        expectProblem(await user.agent.get('/api/users/me'), 401);
        expectProblem(await second.agent.get('/api/tasks'), 401);
        expectProblem(await t.http().post('/api/auth/refresh').send({ refresh_token: second.refreshToken }), 401);
        expectProblem(await login(user.email, user.password), 401);

        // Nothing of anyone else's went with them.
        expect((await bystander.agent.get('/api/tasks').expect(200)).body.total).toBe(1);
        await bystander.agent.get('/api/users/me').expect(200);
      });

      describe('by an admin', () => {
        // Its own database: "the last active admin" needs a deployment whose admins the test knows.
        let own: TestApp;
        beforeAll(async () => {
          own = await createTestApp();
        });
        afterAll(() => own.close());

        it('is 409 for the last active admin, who keeps their account; once another admin exists, it is 204', async () => {
          const sole = await own.asAdmin();
          const disabled = await own.asAdmin();
          await own.db.query('UPDATE users SET is_active = false WHERE id = $1', [disabled.id]);
          const user = await own.signUp();

          const refused = await sole.agent.delete('/api/users/me').send({ password: sole.password });
          expectProblem(refused, 409);
          expect(refused.body.detail).toMatch(/last active admin/);
          await sole.agent.get('/api/users/me').expect(200);
          expect(await own.db.query('SELECT 1 FROM auth_events WHERE user_id = $1 AND type = $2', [sole.id, 'account_deleted'])).toHaveLength(0);

          await sole.agent.patch(`/api/users/${user.id}`).send({ role: 'admin' }).expect(200);
          await sole.agent.delete('/api/users/me').send({ password: sole.password }).expect(204);
          const [{ n }] = await own.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND is_active`);
          expect(n).toBe(1);
        });

        it('two admins deleting themselves at once: one goes, the other is refused, an admin remains', async () => {
          await own.reset();
          const [first, second] = [await own.asAdmin(), await own.asAdmin()];
          const answers = await Promise.all([first, second].map((admin) => admin.agent.delete('/api/users/me').send({ password: admin.password })));
          expect(answers.map((res) => res.status).sort()).toEqual([204, 409]);
          const [{ n }] = await own.db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND is_active`);
          expect(n).toBe(1);
        });

        it('an admin who is not the last one, and any ordinary user, delete as before', async () => {
          await own.reset();
          const [first] = [await own.asAdmin(), await own.asAdmin()];
          await first.agent.delete('/api/users/me').send({ password: first.password }).expect(204);
          const user = await own.signUp();
          await user.agent.delete('/api/users/me').send({ password: user.password }).expect(204);
        });
      });

      it('frees the email for a new account', async () => {
        const { user } = await populated();
        await user.agent.delete('/api/users/me').send({ password: user.password }).expect(204);
        const again = await t.signUp({ email: user.email });
        expect(again.id).not.toBe(user.id);
        expect((await again.agent.get('/api/tasks').expect(200)).body.total).toBe(0);
      });
    });
  });

  describe('admin routes', () => {
    let admin: SignedInUser;
    let normal: SignedInUser;
    beforeAll(async () => {
      admin = await t.asAdmin();
      normal = await t.signUp();
    });

    describe('for a normal user', () => {
      const routes: [string, (u: SignedInUser) => Promise<Response>][] = [
        ['GET /api/users', (u) => u.agent.get('/api/users')],
        ['GET /api/users/:id', (u) => u.agent.get(`/api/users/${u.id}`)],
        ['PATCH /api/users/:id (promoting themselves)', (u) => u.agent.patch(`/api/users/${u.id}`).send({ role: 'admin' })],
      ];

      it.each(routes)('%s is 403 with a problem body', async (_name, call) => {
        const res = await call(normal);
        expectProblem(res, 403);
        expectNoSecrets(res);
        const [row] = await t.db.query('SELECT role FROM users WHERE id = $1', [normal.id]);
        expect(row.role).toBe('user');
      });

      it('PATCH /api/users/:id on someone else is 403 and changes nothing', async () => {
        const victim = await t.signUp();
        expectProblem(await normal.agent.patch(`/api/users/${victim.id}`).send({ isActive: false }), 403);
        await victim.agent.get('/api/users/me').expect(200);
      });
    });

    describe('without a token', () => {
      it.each([
        ['GET /api/users', () => t.http().get('/api/users')],
        ['GET /api/users/:id', () => t.http().get(`/api/users/${randomUUID()}`)],
        ['PATCH /api/users/:id', () => t.http().patch(`/api/users/${randomUUID()}`).send({ role: 'admin' })],
      ])('%s is 401', async (_name, call) => {
        expectProblem(await call(), 401);
      });
    });

    describe('GET /api/users', () => {
      const marker = `mk${randomBytes(4).toString('hex')}`;
      const ids: string[] = [];
      beforeAll(async () => {
        ids.push((await t.createUser({ email: `${marker}.one@example.com`, name: 'First Person' })).id);
        ids.push((await t.createUser({ email: `plain.${randomBytes(3).toString('hex')}@example.com`, name: `Named ${marker.toUpperCase()} Person` })).id);
        ids.push((await t.createUser({ email: `x.${marker}.three@example.com` })).id);
      });

      it('lists users with the total, limit and offset, never a hash', async () => {
        const res = await admin.agent.get('/api/users').expect(200);
        expectNoSecrets(res, admin.password, normal.password);
        expect(res.body).toMatchObject({ limit: 20, offset: 0, total: expect.any(Number) });
        const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM users');
        expect(res.body.total).toBe(n);
        for (const user of res.body.users) expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
        expect(res.body.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([admin.id]));
      });

      it('q searches email and name, case-insensitively', async () => {
        const res = await admin.agent.get('/api/users').query({ q: marker.toUpperCase() }).expect(200);
        expectNoSecrets(res);
        expect(res.body.total).toBe(3);
        expect(res.body.users.map((u: { id: string }) => u.id).sort()).toEqual([...ids].sort());
        const byName = await admin.agent.get('/api/users').query({ q: `named ${marker}` }).expect(200);
        expect(byName.body.users.map((u: { id: string }) => u.id)).toEqual([ids[1]]);
        const none = await admin.agent.get('/api/users').query({ q: `${marker}-absent` }).expect(200);
        expect(none.body).toEqual({ users: [], total: 0, limit: 20, offset: 0 });
      });

      it('q finds an accented email however the accent is typed: precomposed or as a combining mark', async () => {
        const tag = `acc${randomBytes(4).toString('hex')}`;
        const jose = await t.createUser({ email: `${tag}.jos\u00e9@example.com` });
        for (const q of [`${tag}.jos\u00e9`, `${tag}.jose\u0301`, `${tag.toUpperCase()}.JOSE\u0301`]) {
          const res = await admin.agent.get('/api/users').query({ q }).expect(200);
          expect({ q, ids: res.body.users.map((u: { id: string }) => u.id) }).toEqual({ q, ids: [jose.id] });
        }
      });

      it('q treats % and _ literally', async () => {
        // As patterns, "%" and "_" would match every user; no email or name here holds either.
        for (const q of ['%', '_', `${marker}%one`, `${marker}_one`]) {
          expect({ q, total: (await admin.agent.get('/api/users').query({ q }).expect(200)).body.total }).toEqual({ q, total: 0 });
        }
        // "_" as a pattern would match any one character: only the email that has one matches.
        const other = `us${randomBytes(4).toString('hex')}`;
        const underscored = await t.createUser({ email: `${other}_under@example.com` });
        await t.createUser({ email: `${other}xunder@example.com` });
        const res = await admin.agent.get('/api/users').query({ q: `${other}_` }).expect(200);
        expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([underscored.id]);
      });

      it('pages with limit and offset', async () => {
        const pages: string[][] = [];
        for (const offset of [0, 2]) {
          const res = await admin.agent.get('/api/users').query({ q: marker, limit: 2, offset }).expect(200);
          expectNoSecrets(res);
          expect(res.body).toMatchObject({ total: 3, limit: 2, offset });
          pages.push(res.body.users.map((u: { id: string }) => u.id));
        }
        expect(pages.map((p) => p.length)).toEqual([2, 1]);
        expect(pages.flat().sort()).toEqual([...ids].sort());
        const past = await admin.agent.get('/api/users').query({ q: marker, limit: 2, offset: 5 }).expect(200);
        expect(past.body).toEqual({ users: [], total: 3, limit: 2, offset: 5 });
      });

      describe('at scale', () => {
        // Its own database: 100 000 users, as a deployment grows to, planned as PostgreSQL plans them.
        let own: TestApp;
        let admin: SignedInUser;
        const rare = `rr${randomBytes(4).toString('hex')}`;
        beforeAll(async () => {
          own = await createTestApp();
          admin = await own.asAdmin();
          await own.db.query(`INSERT INTO users (email, password_hash, name, created_at)
            SELECT 'user' || g || '@example.com', 'x', 'Person ' || md5(g::text), now() - g * interval '1 second' FROM generate_series(1, 100000) g`);
          await own.createUser({ email: `${rare}@example.com` });
          await own.createUser({ name: `Someone ${rare.toUpperCase()}` });
          await own.db.query('ANALYZE users');
        });
        afterAll(() => own.close());

        async function plan(statement: [string, unknown[]]): Promise<string> {
          const [{ 'QUERY PLAN': found }] = await own.db.query(`EXPLAIN (FORMAT JSON) ${statement[0]}`, statement[1]);
          return JSON.stringify(found);
        }

        it('q reads the matching users from the trigram indexes on email and name, for the page and for the total, never every user', async () => {
          const query = Object.assign(new ListUsersQuery(), { limit: 20, offset: 0, q: rare });
          const page = userListQuery(own.db.getRepository(User), query);
          // The total as getManyAndCount counts it.
          const total = userListQuery(own.db.getRepository(User), query).orderBy().take(undefined).skip(undefined).select('COUNT(DISTINCT(u.id))', 'cnt');
          for (const statement of [page.getQueryAndParameters(), total.getQueryAndParameters()]) {
            const found = await plan(statement);
            expect(found).toMatch(/"Index Name":"users_email_trgm_idx"/);
            expect(found).toMatch(/"Index Name":"users_name_trgm_idx"/);
            expect(found).not.toMatch(/"Node Type":"Seq Scan"/);
          }
          const res = await admin.agent.get('/api/users').query({ q: rare.toUpperCase() }).expect(200);
          expect(res.body.total).toBe(2);
          expect(res.body.users).toHaveLength(2);
        });
      });

      it.each([
        ['limit=0', { limit: '0' }, 'limit'],
        ['limit=101', { limit: '101' }, 'limit'],
        ['limit=abc', { limit: 'abc' }, 'limit'],
        ['offset=-1', { offset: '-1' }, 'offset'],
        ['offset=1e20', { offset: '99999999999999999999' }, 'offset'],
        ['q with a NUL character', { q: 'a\u0000b' }, 'q'],
      ])('%s is 422', async (_case, query, field) => {
        expectFieldError(await admin.agent.get('/api/users').query(query), field);
      });
    });

    describe('GET /api/users/:id', () => {
      it('returns the user', async () => {
        const res = await admin.agent.get(`/api/users/${normal.id}`).expect(200);
        expectUser(res, [normal.password, normal.accessToken]);
        expect(res.body).toMatchObject({ id: normal.id, email: normal.email.toLowerCase(), role: 'user', isActive: true });
      });

      it.each([
        ['an unknown id', randomUUID()],
        ['a non-UUID id', 'nope'],
      ])('is 404 for %s', async (_case, id) => {
        expectProblem(await admin.agent.get(`/api/users/${id}`), 404);
      });
    });

    describe('PATCH /api/users/:id', () => {
      it('changes the role, and the new role applies to the user’s existing token at once', async () => {
        const user = await t.signUp();
        expectProblem(await user.agent.get('/api/users'), 403);

        const res = await admin.agent.patch(`/api/users/${user.id}`).send({ role: 'admin' }).expect(200);
        expectUser(res, [user.password]);
        expect(res.body).toMatchObject({ id: user.id, role: 'admin', isActive: true });

        // Same access token, issued while they were a user: the role is read live.
        const list = await user.agent.get('/api/users').expect(200);
        expectNoSecrets(list, user.password);
        expect((await user.agent.get('/api/users/me').expect(200)).body.role).toBe('admin');

        await admin.agent.patch(`/api/users/${user.id}`).send({ role: 'user' }).expect(200);
        expectProblem(await user.agent.get('/api/users'), 403);
      });

      it.each([
        ['an unknown role', { role: 'superuser' }, 'role'],
        ['a null role', { role: null }, 'role'],
        ['a string isActive', { isActive: 'false' }, 'isActive'],
        ['a null isActive', { isActive: null }, 'isActive'],
        ['an email change', { email: 'taken.over@example.com' }, 'email'],
        ['a passwordHash', { passwordHash: 'x' }, 'passwordHash'],
        ['a password', { password: 'a-new-password-123' }, 'password'],
        ['a name', { name: 'Renamed' }, 'name'],
      ])('refuses %s with 422 and changes nothing', async (_case, body, field) => {
        const user = await t.signUp({ name: 'Target' });
        expectFieldError(await admin.agent.patch(`/api/users/${user.id}`).send(body), field);
        const [row] = await t.db.query('SELECT email, name, role, is_active FROM users WHERE id = $1', [user.id]);
        expect(row).toEqual({ email: user.email.toLowerCase(), name: 'Target', role: 'user', is_active: true });
        await login(user.email, user.password).then((r) => expect(r.status).toBe(200));
      });

      it.each([
        ['an unknown id', randomUUID()],
        ['a non-UUID id', 'nope'],
      ])('is 404 for %s', async (_case, id) => {
        expectProblem(await admin.agent.patch(`/api/users/${id}`).send({ role: 'admin' }), 404);
      });

      it('disabling revokes every session at once; re-enabling lets the user sign in again', async () => {
        const user = await t.signUp();
        const second = await t.signIn(user);
        await user.agent.get('/api/tasks').expect(200);
        await second.agent.get('/api/tasks').expect(200);

        const res = await admin.agent.patch(`/api/users/${user.id}`).send({ isActive: false }).expect(200);
        expectUser(res, [user.password]);
        expect(res.body).toMatchObject({ id: user.id, isActive: false });

        // The very next request with either access token is refused.
        expectProblem(await user.agent.get('/api/tasks'), 401);
        expectProblem(await second.agent.get('/api/users/me'), 401);
        expectProblem(await user.cookieAgent.get('/api/users/me'), 401);
        // Their refresh tokens are dead, and they cannot sign in.
        expectProblem(await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }), 401);
        expectProblem(await t.http().post('/api/auth/refresh').send({ refresh_token: second.refreshToken }), 401);
        const refused = await login(user.email, user.password);
        expectProblem(refused, 401);
        expectNoSecrets(refused, user.password);
        expect(await count('sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id])).toBe(0);

        const enabled = await admin.agent.patch(`/api/users/${user.id}`).send({ isActive: true }).expect(200);
        expectUser(enabled, [user.password]);
        expect(enabled.body.isActive).toBe(true);
        const back = await login(user.email, user.password);
        expect(back.status).toBe(200);
        expectNoSecrets(back, user.password);
        await t.bearer(back.body.access_token).get('/api/users/me').expect(200);
        // Re-enabling does not bring the revoked sessions back.
        expectProblem(await user.agent.get('/api/tasks'), 401);
        expectProblem(await t.http().post('/api/auth/refresh').send({ refresh_token: second.refreshToken }), 401);
      });

      it('disabling one user leaves other users signed in', async () => {
        const target = await t.signUp();
        const other = await t.signUp();
        await admin.agent.patch(`/api/users/${target.id}`).send({ isActive: false }).expect(200);
        await other.agent.get('/api/users/me').expect(200);
        await admin.agent.get('/api/users/me').expect(200);
      });

      it('an admin cannot demote or disable themselves (403, nothing changes), so the last admin stays', async () => {
        const sole = await t.asAdmin();
        for (const change of [{ role: 'user' }, { isActive: false }, { role: 'admin', isActive: true }]) {
          const res = await sole.agent.patch(`/api/users/${sole.id}`).send(change);
          expectProblem(res, 403);
          expect(res.body.detail).toMatch(/own role/);
        }
        expect((await sole.agent.get(`/api/users/${sole.id}`).expect(200)).body).toMatchObject({ role: 'admin', isActive: true });
        expect(await count('auth_events WHERE user_id = $1 AND type IN ($2, $3)', [sole.id, 'role_changed', 'user_disabled'])).toBe(0);
      });

      it('two admins demoting each other at once: one wins, the other is refused, an admin remains', async () => {
        const [first, second] = [await t.asAdmin(), await t.asAdmin()];
        const answers = await Promise.all([
          first.agent.patch(`/api/users/${second.id}`).send({ role: 'user' }),
          second.agent.patch(`/api/users/${first.id}`).send({ role: 'user' }),
        ]);
        expect(answers.map((res) => res.status).sort()).toEqual([200, 403]);
        const roles = await t.db.query('SELECT role FROM users WHERE id IN ($1, $2)', [first.id, second.id]);
        expect(roles.map((row: { role: string }) => row.role).sort()).toEqual(['admin', 'user']);
      });

      it('an admin demoted by another admin loses admin access on their existing token', async () => {
        const second = await t.asAdmin();
        await second.agent.get('/api/users').expect(200);
        await admin.agent.patch(`/api/users/${second.id}`).send({ role: 'user' }).expect(200);
        expectProblem(await second.agent.get('/api/users'), 403);
        expectProblem(await second.agent.patch(`/api/users/${admin.id}`).send({ isActive: false }), 403);
        await admin.agent.get('/api/users').expect(200);
      });
    });
  });
});

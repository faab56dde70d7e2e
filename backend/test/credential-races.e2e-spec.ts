import { jest } from '@jest/globals';
import { AuthService } from '../src/auth/auth.service.js';
import { PasswordService } from '../src/auth/password.service.js';
import { createTestApp, uniqueEmail, type SignedInUser, type TestApp } from './kit/index.js';

/**
 * A password check takes ~50 ms of argon2. Whatever commits in that time — a reset, a demotion, a
 * disable — must win over the request that was checking: these tests commit it at exactly that
 * moment (inside the check, through the API) and look at what the account is afterwards.
 */
describe('Changes committed while a password check is in flight', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let passwords: PasswordService;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.asAdmin();
    passwords = t.app.get(PasswordService);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** Runs `meanwhile` right after the next password check has reached its verdict. */
  function duringNextPasswordCheck(meanwhile: () => Promise<unknown>): void {
    const verify = passwords.verify.bind(passwords);
    jest.spyOn(passwords, 'verify').mockImplementationOnce(async (hash, password) => {
      const verdict = await verify(hash, password);
      await meanwhile();
      return verdict;
    });
  }

  const login = (email: string, password: string) => t.http().post('/api/auth/login').send({ email, password });

  /** A password-reset link's token, as the owner finds it in their mailbox. */
  async function resetTokenFor(email: string): Promise<string> {
    await t.app.get(AuthService).sendResetLink(email, { ip: null, userAgent: null });
    return /token=([\w-]+)/.exec((await t.waitForMail(email, 'Reset your password')).text)![1];
  }
  const resetPassword = (token: string, newPassword: string) => t.http().post('/api/auth/reset-password').send({ token, newPassword }).expect(200);

  const OWNERS_NEW_PASSWORD = 'the owner’s new password';

  /** An account signed in twice, by its owner and by someone who knows the old password; the owner changes it during the next check. */
  async function ownerChangesPasswordDuringNextCheck() {
    const owner = await t.signUp();
    const attacker = await t.signIn(owner);
    const ownerSession = await t.signIn(owner);
    duringNextPasswordCheck(() => ownerSession.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: OWNERS_NEW_PASSWORD }).expect(200));
    return { owner, attacker };
  }

  it('an email change neither lands nor writes back the demotion and the disable an admin made meanwhile', async () => {
    const victim = await t.asAdmin();
    duringNextPasswordCheck(() => admin.agent.patch(`/api/users/${victim.id}`).send({ role: 'user', isActive: false }).expect(200));
    const res = await victim.agent.patch('/api/users/me').send({ email: uniqueEmail('moved'), currentPassword: victim.password }).expect(401);
    expect(res.body.detail).toBe('This account has been disabled.');
    const [row] = await t.db.query('SELECT email, role, is_active FROM users WHERE id = $1', [victim.id]);
    expect(row).toEqual({ email: victim.email.toLowerCase(), role: 'user', is_active: false });
    await login(victim.email, victim.password).expect(401);
  });

  it('a password change or an account deletion does not land once an admin disabled the account meanwhile', async () => {
    for (const attempt of [
      (user: SignedInUser) => user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'a new password 123' }),
      (user: SignedInUser) => user.agent.delete('/api/users/me').send({ password: user.password }),
    ]) {
      const user = await t.signUp();
      duringNextPasswordCheck(() => admin.agent.patch(`/api/users/${user.id}`).send({ isActive: false }).expect(200));
      await attempt(user).expect(401);
      const [row] = await t.db.query('SELECT is_active FROM users WHERE id = $1', [user.id]);
      expect(row).toEqual({ is_active: false });
      await admin.agent.patch(`/api/users/${user.id}`).send({ isActive: true }).expect(200);
      await login(user.email, user.password).expect(200); // the old password, unchanged
    }
  });

  it('a password change, an email change or an account deletion whose account was deleted meanwhile is refused as signed out, not as a wrong password or a 404', async () => {
    for (const attempt of [
      (user: SignedInUser) => user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'a new password 123' }),
      (user: SignedInUser) => user.agent.patch('/api/users/me').send({ email: uniqueEmail('moved'), currentPassword: user.password }),
      (user: SignedInUser) => user.agent.delete('/api/users/me').send({ password: user.password }),
    ]) {
      const user = await t.signUp();
      // Another tab's deletion of the account (a double-submitted "delete my account" among them).
      duringNextPasswordCheck(() => t.db.query('DELETE FROM users WHERE id = $1', [user.id]));
      const res = await attempt(user);
      // invalid_token: the client refreshes, is refused, and signs out, instead of blaming the password.
      expect({ status: res.status, challenge: res.headers['www-authenticate'] }).toEqual({ status: 401, challenge: 'Bearer error="invalid_token"' });
    }
  });

  it('an email change made with the old password fails once the owner has changed it meanwhile', async () => {
    const { owner, attacker } = await ownerChangesPasswordDuringNextCheck();
    const stolen = uniqueEmail('attacker');
    await attacker.agent.patch('/api/users/me').send({ email: stolen, currentPassword: owner.password }).expect(401);
    const [row] = await t.db.query('SELECT email FROM users WHERE id = $1', [owner.id]);
    expect(row.email).toBe(owner.email.toLowerCase());
    await login(owner.email, OWNERS_NEW_PASSWORD).expect(200);
    await login(owner.email, owner.password).expect(401);
  });

  it('a password change made with the old password fails once the owner has changed it meanwhile', async () => {
    const { owner, attacker } = await ownerChangesPasswordDuringNextCheck();
    await attacker.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the attacker’s password' }).expect(401);
    await login(owner.email, 'the attacker’s password').expect(401);
    await login(owner.email, OWNERS_NEW_PASSWORD).expect(200);
  });

  it('a sign-in with the old password opens no session once the password was reset meanwhile', async () => {
    const owner = await t.signUp();
    const token = await resetTokenFor(owner.email);
    duringNextPasswordCheck(() => resetPassword(token, OWNERS_NEW_PASSWORD));
    const res = await login(owner.email, owner.password).expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [owner.id]);
    expect(n).toBe(0); // the reset ended the one from sign-up, and this one never opened
    await login(owner.email, OWNERS_NEW_PASSWORD).expect(200);
  });

  it('a sign-in with the right password opens no session once an admin disabled the account meanwhile, and says the account is disabled', async () => {
    const user = await t.signUp();
    duringNextPasswordCheck(() => admin.agent.patch(`/api/users/${user.id}`).send({ isActive: false }).expect(200));
    const res = await login(user.email, user.password).expect(401);
    expect(res.body.detail).toBe('This account has been disabled.');
    expect(res.headers['set-cookie']).toBeUndefined();
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
    expect(n).toBe(0);
  });

  it('a password change made with the old password fails once the password was reset meanwhile', async () => {
    const owner = await t.signUp();
    const attacker = await t.signIn(owner);
    const token = await resetTokenFor(owner.email);
    duringNextPasswordCheck(() => resetPassword(token, OWNERS_NEW_PASSWORD));
    await attacker.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the attacker’s password' }).expect(401);
    await login(owner.email, OWNERS_NEW_PASSWORD).expect(200);
  });

  it('a reset and a password change of one account at once queue on the account’s row instead of deadlocking', async () => {
    const owner = await t.signUp();
    const token = await resetTokenFor(owner.email);
    // A password change's transaction, statement by statement: the account's row first, then its links.
    const change = t.db.createQueryRunner();
    await change.connect();
    try {
      await change.startTransaction();
      await change.query(`UPDATE users SET password_hash = password_hash WHERE id = $1`, [owner.id]);
      const reset = t.http().post('/api/auth/reset-password').send({ token, newPassword: OWNERS_NEW_PASSWORD }).then((res) => res.status);
      await t.untilALockIsAwaited(); // the reset is now waiting for the account's row
      await change.query(`UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [owner.id]);
      await change.commitTransaction();
      // The change spent the link first: the reset then finds it used (400), and nothing failed.
      expect(await reset).toBe(400);
    } finally {
      await change.release();
    }
  });

  it('two sign-ins that both rehash a password made at an older cost both succeed', async () => {
    const user = await t.createUser();
    const argon2 = await import('argon2');
    const old = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 3, parallelism: 1 });
    await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, old]);
    const [first, second] = await Promise.all([login(user.email, user.password), login(user.email, user.password)]);
    expect([first.status, second.status]).toEqual([200, 200]);
  });

  it('an account deletion with the old password deletes nothing once the owner has changed it meanwhile', async () => {
    const { owner, attacker } = await ownerChangesPasswordDuringNextCheck();
    await attacker.agent.delete('/api/users/me').send({ password: owner.password }).expect(401);
    await login(owner.email, OWNERS_NEW_PASSWORD).expect(200);
  });
});

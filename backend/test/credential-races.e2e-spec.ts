import { jest } from '@jest/globals';
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

  it('an email change does not write back the demotion and the disable an admin made meanwhile', async () => {
    const victim = await t.asAdmin();
    duringNextPasswordCheck(() => admin.agent.patch(`/api/users/${victim.id}`).send({ role: 'user', isActive: false }).expect(200));
    const res = await victim.agent.patch('/api/users/me').send({ email: uniqueEmail('moved'), currentPassword: victim.password });
    expect(res.body.role).not.toBe('admin');
    const [row] = await t.db.query('SELECT role, is_active FROM users WHERE id = $1', [victim.id]);
    expect(row).toEqual({ role: 'user', is_active: false });
    await login(victim.email, victim.password).expect(401);
  });

  it('an email change made with the old password fails once the owner has changed it meanwhile', async () => {
    const owner = await t.signUp();
    const attacker = await t.signIn(owner);
    const ownerSession = await t.signIn(owner);
    duringNextPasswordCheck(() =>
      ownerSession.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the owner’s new password' }).expect(200),
    );
    const stolen = uniqueEmail('attacker');
    await attacker.agent.patch('/api/users/me').send({ email: stolen, currentPassword: owner.password }).expect(401);
    const [row] = await t.db.query('SELECT email FROM users WHERE id = $1', [owner.id]);
    expect(row.email).toBe(owner.email.toLowerCase());
    await login(owner.email, 'the owner’s new password').expect(200);
    await login(owner.email, owner.password).expect(401);
  });

  it('a password change made with the old password fails once the owner has changed it meanwhile', async () => {
    const owner = await t.signUp();
    const attacker = await t.signIn(owner);
    const ownerSession = await t.signIn(owner);
    duringNextPasswordCheck(() =>
      ownerSession.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the owner’s new password' }).expect(200),
    );
    await attacker.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the attacker’s password' }).expect(401);
    await login(owner.email, 'the attacker’s password').expect(401);
    await login(owner.email, 'the owner’s new password').expect(200);
  });

  it('a sign-in with the old password opens no session once the password was reset meanwhile', async () => {
    const owner = await t.signUp();
    const ownerSession = await t.signIn(owner);
    duringNextPasswordCheck(() =>
      ownerSession.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the owner’s new password' }).expect(200),
    );
    const res = await login(owner.email, owner.password).expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [owner.id]);
    expect(n).toBe(1); // the owner's own, which changed the password
    await login(owner.email, 'the owner’s new password').expect(200);
  });

  it('an account deletion with the old password deletes nothing once the owner has changed it meanwhile', async () => {
    const owner = await t.signUp();
    const attacker = await t.signIn(owner);
    const ownerSession = await t.signIn(owner);
    duringNextPasswordCheck(() =>
      ownerSession.agent.post('/api/auth/change-password').send({ currentPassword: owner.password, newPassword: 'the owner’s new password' }).expect(200),
    );
    await attacker.agent.delete('/api/users/me').send({ password: owner.password }).expect(401);
    await login(owner.email, 'the owner’s new password').expect(200);
  });
});

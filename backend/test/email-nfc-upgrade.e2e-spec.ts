import { UsersEmailNfc1764000000003 } from '../src/database/migrations/1764000000003-users-email-nfc.js';
import { createTestApp, uniqueEmail, type TestApp } from './kit/index.js';

/** Accounts stored before emails were canonical NFC (as `email.toLowerCase()` of what was typed). */
describe('Emails stored before NFC canonicalisation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function legacyAccount(local: string): Promise<{ id: string; decomposed: string; composed: string; password: string }> {
    const composed = `${local}-jos\u00e9@example.com`;
    const decomposed = `${local}-jose\u0301@example.com`;
    const user = await t.signUp({ email: composed });
    // What the previous release stored for an address typed with a combining accent.
    await t.db.query(`UPDATE users SET email = $2 WHERE id = $1`, [user.id, decomposed]);
    return { id: user.id, decomposed, composed, password: user.password };
  }

  it('an account stored decomposed can still sign in (and not be registered twice) after the upgrade', async () => {
    const legacy = await legacyAccount(uniqueEmail('legacy').split('@')[0]);
    const runner = t.db.createQueryRunner();
    try {
      await new UsersEmailNfc1764000000003().up(runner);
    } finally {
      await runner.release();
    }
    // The user types the address as always (decomposed): the API composes it, the row must match.
    await t.http().post('/api/auth/login').send({ email: legacy.decomposed, password: legacy.password }).expect(200);
    await t.http().post('/api/auth/register').send({ email: legacy.composed, password: 'another password 1' }).expect(409);
    const [{ email }] = await t.db.query(`SELECT email FROM users WHERE id = $1`, [legacy.id]);
    expect(email).toBe(legacy.composed);
  });

  it('leaves a decomposed address alone where its composed spelling is already another account’s', async () => {
    const local = uniqueEmail('both').split('@')[0];
    const legacy = await legacyAccount(local);
    await t.signUp({ email: legacy.composed });
    const runner = t.db.createQueryRunner();
    try {
      await new UsersEmailNfc1764000000003().up(runner);
    } finally {
      await runner.release();
    }
    const [{ email }] = await t.db.query(`SELECT email FROM users WHERE id = $1`, [legacy.id]);
    expect(email).toBe(legacy.decomposed);
  });
});

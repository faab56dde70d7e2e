import { jest } from '@jest/globals';
import { HousekeepingService } from '../src/housekeeping/housekeeping.service.js';
import { createTestApp, type TestApp } from './kit/index.js';

/** What no request can use any more is deleted, so the tables grow with the users, not with time. */
describe('Housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_MAX_DAYS: '30', AUDIT_RETENTION_DAYS: '90' } });
  });
  afterAll(() => t.close());
  afterEach(() => t.reset());

  const housekeeping = () => t.app.get(HousekeepingService).run();
  const count = async (sql: string, params: unknown[] = []) => ((await t.db.query(sql, params)) as { n: number }[])[0].n;

  it('deletes a session past its absolute expiry with its refresh tokens, and no live one', async () => {
    const ended = await t.signUp();
    await t.http().post('/api/auth/refresh').send({ refresh_token: ended.refreshToken }).expect(200);
    t.clock.advanceDays(31);
    const live = await t.signUp();

    expect(await housekeeping()).toMatchObject({ sessions: 1 });
    expect(await count(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`, [ended.id])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id`)).toBe(1);
    await live.agent.get('/api/auth/me').expect(200);
    await t.http().post('/api/auth/refresh').send({ refresh_token: live.refreshToken }).expect(200);
    // The account itself stays: it signs in again.
    await t.http().post('/api/auth/login').send({ email: ended.email, password: ended.password }).expect(200);
  });

  it('deletes reset links that are spent or expired, and keeps one that still works', async () => {
    const [spent, expired, pending] = [await t.signUp(), await t.signUp(), await t.signUp()];
    const link = async (email: string) => {
      await t.http().post('/api/auth/forgot-password').send({ email }).expect(202);
      return decodeURIComponent(/token=([^\s]+)/.exec((await t.waitForMail(email, 'Reset your password')).text)![1]);
    };
    await t.http().post('/api/auth/reset-password').send({ token: await link(spent.email), newPassword: 'a new password' }).expect(200);
    await link(expired.email);
    t.clock.advanceSeconds(3601);
    const token = await link(pending.email);

    expect(await housekeeping()).toMatchObject({ resetLinks: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM password_reset_tokens`)).toBe(1);
    await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'another new one' }).expect(200);
  });

  it('deletes audit events older than AUDIT_RETENTION_DAYS, and none younger', async () => {
    const user = await t.signUp();
    t.clock.advanceDays(89);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    t.clock.advanceDays(2);

    expect(await housekeeping()).toMatchObject({ authEvents: 1 });
    expect(await t.db.query(`SELECT type FROM auth_events WHERE user_id = $1`, [user.id])).toEqual([{ type: 'login_success' }]);
  });

  it('keeps audit events for good with AUDIT_RETENTION_DAYS=0', async () => {
    const keeper = await createTestApp({ env: { AUDIT_RETENTION_DAYS: '0' } });
    try {
      await keeper.signUp();
      keeper.clock.advanceDays(3650);
      expect(await keeper.app.get(HousekeepingService).run()).toMatchObject({ authEvents: 0 });
      expect(await keeper.db.query(`SELECT type FROM auth_events`)).toEqual([{ type: 'register' }]);
    } finally {
      await keeper.close();
    }
  });

  it('ends a pass in progress after its current batch when the app closes, before the pools do', async () => {
    const closing = await createTestApp();
    const user = await closing.signUp();
    await closing.db.query(`INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at)
      SELECT gen_random_uuid(), $1, now(), now(), now() - interval '1 day' FROM generate_series(1, 12000)`, [user.id]);
    const pass = closing.app.get(HousekeepingService).run();
    await closing.close();
    // One or two batches of 5 000, not all three, and no query on a closed pool.
    const { sessions } = await pass;
    expect(sessions).toBeGreaterThanOrEqual(5000);
    expect(sessions).toBeLessThan(12000);
  });

  it('runs every HOUSEKEEPING_INTERVAL_MINUTES on a timer that never holds the process open, stopped with the app', async () => {
    const setInterval = jest.spyOn(global, 'setInterval');
    const clearInterval = jest.spyOn(global, 'clearInterval');
    try {
      const scheduled = await createTestApp({ env: { HOUSEKEEPING_INTERVAL_MINUTES: '15' } });
      const call = setInterval.mock.calls.findIndex(([, ms]) => ms === 15 * 60_000);
      expect(call).toBeGreaterThanOrEqual(0);
      const timer = setInterval.mock.results[call].value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      await scheduled.close();
      expect(clearInterval).toHaveBeenCalledWith(timer);
    } finally {
      setInterval.mockRestore();
      clearInterval.mockRestore();
    }
  });
});

describe('Indexes behind revocation and deletion, at scale', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const user = await t.signUp();
    // 200 000 refresh tokens over 20 000 sessions: what a deployment holds after some weeks.
    await t.db.query(`INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at)
      SELECT gen_random_uuid(), $1, now(), now(), now() + g * interval '1 minute' FROM generate_series(1, 20000) g`, [user.id]);
    await t.db.query(`INSERT INTO refresh_tokens (id, session_id, token_hash, issued_at, expires_at, spent_at)
      SELECT gen_random_uuid(), s.id, sha256(gen_random_uuid()::text::bytea), now(), now(), now() FROM sessions s, generate_series(1, 10)`);
    await t.db.query('ANALYZE sessions, refresh_tokens');
  });
  afterAll(() => t.close());

  const plan = async (sql: string, params: unknown[]) => JSON.stringify((await t.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params))[0]['QUERY PLAN']);
  const someSessions = async () => ((await t.db.query(`SELECT id FROM sessions LIMIT 3`)) as { id: string }[]).map((r) => r.id);

  it('a revocation reads only the revoked sessions’ refresh tokens, spent ones included', async () => {
    const found = await plan(`UPDATE refresh_tokens SET spent_at = COALESCE(spent_at, $2), successor_ciphertext = NULL WHERE session_id = ANY($1::uuid[])`, [await someSessions(), new Date()]);
    expect(found).toMatch(/"Index Name":"refresh_tokens_session_idx"/);
    expect(found).not.toMatch(/"Node Type":"Seq Scan"/);
  });

  it('a session’s deletion cascades through the index (the foreign key’s own statement), as does finding the ended ones', async () => {
    const [session] = await someSessions();
    const cascade = await plan(`DELETE FROM ONLY refresh_tokens WHERE session_id = $1`, [session]);
    expect(cascade).toMatch(/"Index Name":"refresh_tokens_session_idx"/);
    const ended = await plan(`SELECT id FROM sessions WHERE expires_at < $1 LIMIT 5000 FOR UPDATE SKIP LOCKED`, [new Date(Date.now() + 60_000)]);
    expect(ended).toMatch(/"Index Name":"sessions_expires_idx"/);
  });
});

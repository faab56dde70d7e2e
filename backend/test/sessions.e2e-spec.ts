import { jest } from '@jest/globals';
import { AuthService } from '../src/auth/auth.service.js';
import { MailNotSentError, MailService } from '../src/mail/mail.service.js';
import { createTestApp, uniqueEmail, type TestApp } from './kit/index.js';

describe('Sessions and account security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.clock.reset();
    jest.restoreAllMocks();
  });

  describe('GET /api/auth/sessions', () => {
    it('lists the user’s live sessions with device data, most recently used first, marking the current one', async () => {
      const user = await t.signUp();
      const phone = await t.signIn(user, { 'User-Agent': 'Phone/1.0' });
      t.clock.advanceSeconds(30);
      await t.http().post('/api/auth/refresh').send({ refresh_token: phone.refreshToken }).expect(200);
      const res = await user.agent.get('/api/auth/sessions').expect(200);
      expect(res.body).toHaveLength(2);
      expect(res.body[0]).toEqual({
        id: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        expiresAt: expect.any(String),
        userAgent: 'Phone/1.0',
        ip: expect.stringMatching(/127\.0\.0\.1/),
        current: false,
      });
      expect(res.body[1].current).toBe(true);
      expect(new Date(res.body[0].lastUsedAt) > new Date(res.body[1].lastUsedAt)).toBe(true);
      // Nothing secret in a device list.
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(user.refreshToken);
      expect(text).not.toContain(phone.refreshToken);
    });

    it('does not list revoked sessions', async () => {
      const user = await t.signUp();
      const other = await t.signIn(user);
      await other.agent.post('/api/auth/logout').expect(200);
      const res = await user.agent.get('/api/auth/sessions').expect(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0].current).toBe(true);
    });
  });

  describe('DELETE /api/auth/sessions/:id', () => {
    it('revokes another session of mine: its access token is refused on the very next request', async () => {
      const user = await t.signUp();
      const laptop = await t.signIn(user);
      await laptop.agent.get('/api/auth/me').expect(200);
      const sessions = (await user.agent.get('/api/auth/sessions').expect(200)).body as { id: string; current: boolean }[];
      const laptopSession = sessions.find((s) => !s.current)!;
      await user.agent.delete(`/api/auth/sessions/${laptopSession.id}`).expect(204);
      await laptop.agent.get('/api/auth/me').expect(401);
      await t.http().post('/api/auth/refresh').send({ refresh_token: laptop.refreshToken }).expect(401);
      await user.agent.get('/api/auth/me').expect(200);
      const [event] = await t.db.query(`SELECT session_id FROM auth_events WHERE type = 'session_revoked' AND user_id = $1`, [user.id]);
      expect(event.session_id).toBe(laptopSession.id);
    });

    it('answers 404 for another user’s session, an unknown id and a non-UUID, and revokes nothing', async () => {
      const victim = await t.signUp();
      const attacker = await t.signUp();
      const [victimSession] = (await victim.agent.get('/api/auth/sessions').expect(200)).body;
      const res = await attacker.agent.delete(`/api/auth/sessions/${victimSession.id}`).expect(404);
      expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
      await attacker.agent.delete('/api/auth/sessions/00000000-0000-4000-8000-000000000000').expect(404);
      await attacker.agent.delete('/api/auth/sessions/not-a-uuid').expect(404);
      await victim.agent.get('/api/auth/me').expect(200);
    });

    it('needs authentication', async () => {
      await t.http().get('/api/auth/sessions').expect(401);
      await t.http().delete('/api/auth/sessions/00000000-0000-4000-8000-000000000000').expect(401);
    });
  });

  describe('POST /api/auth/change-password', () => {
    it('needs the current password, changes it, and signs out every other session but this one', async () => {
      const user = await t.signUp();
      const other = await t.signIn(user);
      await user.agent.post('/api/auth/change-password').send({ currentPassword: 'not it at all', newPassword: 'a brand new one' }).expect(401);
      const res = await user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'a brand new one' }).expect(200);
      expect(res.body.detail).toMatch(/Password changed/);
      await user.agent.get('/api/auth/me').expect(200);
      await other.agent.get('/api/auth/me').expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: 'a brand new one' }).expect(200);
    });

    it('tells the owner’s mailbox that the password changed, after a change and after a reset — never what it is', async () => {
      const NOTICE = 'The password of your account was changed';
      const user = await t.signUp();
      await user.agent.post('/api/auth/change-password').send({ currentPassword: 'not it at all', newPassword: 'a brand new one' }).expect(401);
      await user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'a brand new one' }).expect(200);
      const changed = await t.waitForMail(user.email, NOTICE);
      expect(changed.text).not.toContain('a brand new one');
      await t.http().post('/api/auth/forgot-password').send({ email: user.email }).expect(202);
      const token = decodeURIComponent(/token=([^\s]+)/.exec((await t.waitForMail(user.email, 'Reset your password')).text)![1]);
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'reset to this one' }).expect(200);
      const noticesTo = () => t.outbox.filter((m) => m.to === user.email.toLowerCase() && m.subject === NOTICE);
      for (const deadline = Date.now() + 5000; noticesTo().length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      const notices = noticesTo();
      // One per change: the refused attempt mailed nothing.
      expect(notices).toHaveLength(2);
      expect(notices[1].text).not.toContain('reset to this one');
    });

    it('validates the new password (422) and never accepts unknown fields', async () => {
      const user = await t.signUp();
      const res = await user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'short' }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'newPassword', message: expect.stringMatching(/8 and 128/) }]);
      await user.agent.post('/api/auth/change-password').send({ currentPassword: user.password, newPassword: 'long enough!', userId: 'x' }).expect(422);
    });
  });

  describe('Password reset', () => {
    const RESET_BODY = { detail: 'If an account exists for this email, a password reset link has been sent to it.' };

    it('answers 202 with the same body whether or not the email exists, and mails a link only to a real account', async () => {
      const user = await t.signUp();
      const known = await t.http().post('/api/auth/forgot-password').send({ email: user.email.toUpperCase() }).expect(202);
      const unknown = await t.http().post('/api/auth/forgot-password').send({ email: 'nobody-here@example.com' }).expect(202);
      expect(known.body).toEqual(RESET_BODY);
      expect(unknown.body).toEqual(RESET_BODY);
      const mail = await t.waitForMail(user.email);
      expect(mail.subject).toBe('Reset your password');
      expect(mail.text).toMatch(/http:\/\/localhost:3000\/reset-password\?token=[\w-]+/);
      // The endpoint answers before the mail is decided; the decision itself, awaited: no mail.
      await t.app.get(AuthService).sendResetLink('nobody-here@example.com', { ip: null, userAgent: null });
      expect(t.outbox.find((m) => m.to === 'nobody-here@example.com')).toBeUndefined();
    });

    it('validates the email (422)', async () => {
      await t.http().post('/api/auth/forgot-password').send({ email: 'nope' }).expect(422);
    });

    async function resetToken(email: string): Promise<string> {
      await t.http().post('/api/auth/forgot-password').send({ email }).expect(202);
      const mail = await t.waitForMail(email, 'Reset your password');
      return decodeURIComponent(/token=([^\s]+)/.exec(mail.text)![1]);
    }

    it('resets the password once, revokes every session, and the token cannot be reused', async () => {
      const user = await t.signUp();
      const other = await t.signIn(user);
      const token = await resetToken(user.email);
      const stored = await t.db.query(`SELECT encode(token_hash, 'hex') AS h FROM password_reset_tokens`);
      expect(JSON.stringify(stored)).not.toContain(token);
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'fresh password 1' }).expect(200);
      await user.agent.get('/api/auth/me').expect(401);
      await other.agent.get('/api/auth/me').expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: 'fresh password 1' }).expect(200);
      const again = await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'another password' }).expect(400);
      expect(again.body.detail).toBe('This password reset link is invalid or has expired.');
    });

    it('accepts a token for one hour, then refuses it with the same 400 as an unknown one', async () => {
      const [early, user] = [await t.signUp(), await t.signUp()];
      const [earlyToken, token] = [await resetToken(early.email), await resetToken(user.email)];
      t.clock.advanceSeconds(3599);
      await t.http().post('/api/auth/reset-password').send({ token: earlyToken, newPassword: 'fresh password 2' }).expect(200);
      t.clock.advanceSeconds(2);
      const expired = await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'fresh password 2' }).expect(400);
      const unknown = await t.http().post('/api/auth/reset-password').send({ token: 'made-up-token', newPassword: 'fresh password 2' }).expect(400);
      expect(expired.body).toEqual(unknown.body);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    });

    it('kills the outstanding links when the password, the email or the account status changes', async () => {
      const spent = (token: string) => t.http().post('/api/auth/reset-password').send({ token, newPassword: 'attacker password' }).expect(400);

      const changer = await t.signUp();
      const beforeChange = await resetToken(changer.email);
      await changer.agent.post('/api/auth/change-password').send({ currentPassword: changer.password, newPassword: 'changed password 1' }).expect(200);
      await spent(beforeChange);

      const mover = await t.signUp();
      const sentToOldAddress = await resetToken(mover.email);
      await mover.agent.patch('/api/users/me').send({ email: uniqueEmail('moved'), currentPassword: mover.password }).expect(200);
      await spent(sentToOldAddress);
      const events = await t.db.query(`SELECT type, detail FROM auth_events WHERE user_id = $1 AND type = 'email_changed'`, [mover.id]);
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain('@');

      const disabled = await t.signUp();
      const beforeDisable = await resetToken(disabled.email);
      const admin = await t.asAdmin();
      await admin.agent.patch(`/api/users/${disabled.id}`).send({ isActive: false }).expect(200);
      await admin.agent.patch(`/api/users/${disabled.id}`).send({ isActive: true }).expect(200);
      await spent(beforeDisable);
      await t.http().post('/api/auth/login').send({ email: disabled.email, password: disabled.password }).expect(200);
    });

    it('a name-only change leaves the links alone', async () => {
      const user = await t.signUp();
      const token = await resetToken(user.email);
      await user.agent.patch('/api/users/me').send({ name: 'Renamed', email: user.email.toUpperCase() }).expect(200);
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'long enough now' }).expect(200);
    });

    it('mails one link per account per 5 minutes, whatever the requests, and answers every request alike', async () => {
      const user = await t.signUp();
      const first = await resetToken(user.email);
      const again = await Promise.all([1, 2, 3].map(() => t.http().post('/api/auth/forgot-password').send({ email: user.email })));
      for (const res of again) expect(res.status).toBe(202);
      await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null });
      expect(t.outbox.filter((m) => m.to === user.email.toLowerCase())).toHaveLength(1);
      t.clock.advanceSeconds(301);
      const second = await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null }).then(() => t.waitForMail(user.email, 'Reset your password'));
      expect(t.outbox.filter((m) => m.to === user.email.toLowerCase())).toHaveLength(2);
      expect(second.text).not.toContain(encodeURIComponent(first));
      // The first link still works within its hour; using it spends the second too.
      await t.http().post('/api/auth/reset-password').send({ token: first, newPassword: 'fresh password 3' }).expect(200);
    });

    it('a link whose mail could not be sent neither stays live nor holds back the next request’s mail', async () => {
      const user = await t.signUp();
      const mail = t.app.get(MailService);
      jest.spyOn(mail, 'send').mockRejectedValueOnce(new MailNotSentError(new Error('SMTP unavailable')));
      await expect(t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null })).rejects.toThrow('SMTP unavailable');
      expect(await t.db.query(`SELECT id FROM password_reset_tokens WHERE user_id = $1`, [user.id])).toEqual([]);
      // Asking again at once (within the five minutes) mails a link that works.
      await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null });
      const token = /token=([\w-]+)/.exec((await t.waitForMail(user.email, 'Reset your password')).text)![1];
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'fresh password 5' }).expect(200);
    });

    it('a link whose mail may have been delivered (the connection lost during DATA) keeps its link and the five-minute limit', async () => {
      const user = await t.signUp();
      const mail = t.app.get(MailService);
      jest.spyOn(mail, 'send').mockRejectedValueOnce(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'DATA' }));
      await expect(t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null })).rejects.toThrow('Connection closed');
      expect(await t.db.query(`SELECT id FROM password_reset_tokens WHERE user_id = $1`, [user.id])).toEqual([{ id: expect.any(String) }]);
      // Asking again at once mails nothing: a relay that fails after every delivery cannot be used to flood the inbox.
      await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null });
      expect(t.outbox.filter((m) => m.to === user.email.toLowerCase())).toEqual([]);
    });

    it('deletes an account’s spent and expired links when it makes a new one', async () => {
      const user = await t.signUp();
      const used = await resetToken(user.email);
      await t.http().post('/api/auth/reset-password').send({ token: used, newPassword: 'fresh password 4' }).expect(200);
      t.clock.advanceSeconds(301);
      await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null });
      const rows = await t.db.query(`SELECT id, used_at FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
      expect(rows).toEqual([{ id: expect.any(String), used_at: null }]);
      // That one expires unused; the next link replaces it.
      t.clock.advanceSeconds(3601);
      await t.app.get(AuthService).sendResetLink(user.email, { ip: null, userAgent: null });
      const after = await t.db.query(`SELECT id, used_at FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
      expect(after).toEqual([{ id: expect.any(String), used_at: null }]);
      expect(after[0].id).not.toBe(rows[0].id);
    });

    it('validates the new password (422) without spending the token', async () => {
      const user = await t.signUp();
      const token = await resetToken(user.email);
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'short' }).expect(422);
      await t.http().post('/api/auth/reset-password').send({ token, newPassword: 'long enough now' }).expect(200);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, MoreThan } from 'typeorm';
import { AuditService, type ClientMeta } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { ProblemException, unauthorized } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { describeError } from '../common/problem-details.filter.js';
import { MailNotSentError, MailService } from '../mail/mail.service.js';
import { SessionsService, type IssuedTokens, type RotatedTokens } from '../sessions/sessions.service.js';
import { LoginAttemptsService } from '../throttling/login-attempts.service.js';
import type { PublicUser } from '../users/user.entity.js';
import { ACCOUNT_DISABLED, INCORRECT_CURRENT_PASSWORD, UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { PasswordResetToken, spendResetTokens } from './password-reset-token.entity.js';
import { PasswordService } from './password.service.js';
import { TokenService } from './token.service.js';

export const INVALID_CREDENTIALS = 'Incorrect email or password';
const INVALID_RESET = 'This password reset link is invalid or has expired.';
const RESET_TTL_MS = 60 * 60 * 1000;
const RESET_MAIL_COOLDOWN_MS = 5 * 60 * 1000;

export interface SignedIn {
  user: PublicUser;
  tokens: IssuedTokens;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttemptsService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('AuthService');
  }

  async register(input: { email: string; password: string; name?: string | null }, meta: ClientMeta): Promise<SignedIn> {
    const { password, ...profile } = input;
    const passwordHash = await this.passwords.hash(password);
    return this.dataSource.transaction(async (em) => {
      const user = await this.users.insert({ ...profile, passwordHash }, em);
      const tokens = await this.sessions.create(user, meta, { event: 'register', manager: em });
      // The account was inserted by this transaction: no one else can have changed it yet.
      if (!tokens) throw new Error('A session for a just-registered account was not created.');
      return { user, tokens };
    });
  }

  /**
   * Unknown email and wrong password give the same answer in the same time (a dummy verify), and
   * only a correct password reveals that an account is disabled.
   */
  async login(email: string, password: string, meta: ClientMeta): Promise<SignedIn> {
    const ip = meta.ip ?? 'unknown';
    await this.attempts.reserve(email, ip);
    const user = await this.users.findByEmail(email);
    const ok = user ? await this.passwords.verify(user.passwordHash, password) : (await this.passwords.verifyDummy(password), false);
    if (!user || !ok) {
      await this.audit.record('login_failure', { userId: user?.id ?? null, meta, detail: { reason: user ? 'bad_password' : 'unknown_email' } });
      throw unauthorized(INVALID_CREDENTIALS);
    }
    if (!user.isActive) {
      await this.audit.record('login_failure', { userId: user.id, meta, detail: { reason: 'disabled' } });
      throw unauthorized(ACCOUNT_DISABLED);
    }
    if (this.passwords.needsRehash(user.passwordHash)) {
      // The cost parameters changed since this hash was made; the plaintext is at hand only now.
      const rehashed = await this.passwords.hash(password);
      if (await this.users.replacePasswordHash(user.id, user.passwordHash, rehashed)) user.passwordHash = rehashed;
      else {
        // Another sign-in rehashed it first (or the password changed): check against what is there now.
        const now = await this.users.findByEmail(email);
        if (now && now.id === user.id && (await this.passwords.verify(now.passwordHash, password))) user.passwordHash = now.passwordHash;
      }
    }
    await this.attempts.reset(email, ip);
    // Opens the session only if the password just verified is still the account's (and it is still
    // active): a reset that committed during the hash would otherwise leave this sign-in standing.
    const tokens = await this.sessions.create(user, meta, { event: 'login_success' });
    if (!tokens) {
      // Refused at the last moment. Disabled meanwhile, with the password still the one verified,
      // says so, as it would a moment later; a password changed meanwhile is a wrong password.
      const now = await this.users.findByEmail(email);
      throw unauthorized(now?.id === user.id && now.passwordHash === user.passwordHash && !now.isActive ? ACCOUNT_DISABLED : INVALID_CREDENTIALS);
    }
    return { user, tokens };
  }

  refresh(refreshToken: string, meta: ClientMeta): Promise<RotatedTokens> {
    return this.sessions.rotate(refreshToken, meta);
  }

  /**
   * Ends the session named by the refresh token and/or the access token. Always succeeds: logging
   * out twice, or with a token that already expired, is not an error.
   */
  async logout(input: { refreshToken?: string; accessToken?: string }, meta: ClientMeta): Promise<void> {
    const targets = new Map<string, string>();
    if (input.refreshToken) {
      const found = await this.sessions.sessionOfRefreshToken(input.refreshToken);
      if (found) targets.set(found.sessionId, found.userId);
    }
    if (input.accessToken) {
      // An expired token still names its session, which must not outlive a "Logged out" (its refresh
      // token would keep renewing it): a bearer-only client signs out with what it holds.
      const claims = this.tokens.verifyAccessToken(input.accessToken, { acceptExpired: true });
      if (claims?.sid && claims.sub) targets.set(claims.sid, claims.sub);
    }
    for (const [sessionId, userId] of targets) {
      if (await this.sessions.revoke(sessionId, 'logout')) await this.audit.record('logout', { userId, sessionId, meta });
    }
  }

  async logoutAll(caller: AuthUser, meta: ClientMeta): Promise<number> {
    const count = await this.sessions.revokeAllForUser(caller.id, 'logout_all');
    await this.audit.record('logout_all', { userId: caller.id, sessionId: caller.sessionId, meta, detail: { sessionsRevoked: count } });
    return count;
  }

  /** Needs the current password (throttled like a login); ends every other session. */
  async changePassword(caller: AuthUser, currentPassword: string, newPassword: string, meta: ClientMeta): Promise<void> {
    const user = await this.users.getCaller(caller);
    await this.users.reauthenticate(caller, user, currentPassword, meta, 'change_password', INCORRECT_CURRENT_PASSWORD);
    const passwordHash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (em) => {
      // Only over the hash just verified: a reset committed during the two hashes wins. An account
      // deleted meanwhile is signed out, not told its password was wrong.
      if (!(await this.users.replacePasswordHash(user.id, user.passwordHash, passwordHash, em))) {
        throw await this.users.refusalOverStaleHash(user.id, INCORRECT_CURRENT_PASSWORD, em);
      }
      await spendResetTokens(em, user.id, this.clock.now());
      const revoked = await this.sessions.revokeAllForUser(user.id, 'password_changed', { except: caller.sessionId, manager: em });
      await this.audit.record('password_changed', { userId: user.id, sessionId: caller.sessionId, meta, detail: { sessionsRevoked: revoked } }, em);
    });
    this.noticePasswordChanged(user.email);
  }

  /**
   * The owner hears of every new password (OWASP ASVS 2.2.3): one set by someone else, with a stolen
   * session and a guessed password or a link from a compromised mailbox, is otherwise unseen until
   * they are locked out.
   */
  private noticePasswordChanged(email: string): void {
    this.mail.notify(
      email,
      'The password of your account was changed',
      'The password of your account was just changed, and every other session was signed out.\n\n' +
        'If you did not make this change, reset your password from the sign-in page and contact your administrator.',
    );
  }

  /**
   * Always the same answer, immediately: the lookup, token and mail happen after the response is
   * decided, so neither body nor timing tells whether the email has an account.
   */
  requestPasswordReset(email: string, meta: ClientMeta): void {
    void this.sendResetLink(email, meta).catch((error: unknown) => this.logger.error({ err: describeError(error) }, 'password reset mail failed'));
  }

  /**
   * Exposed for tests and the kit: resolves when the reset mail (if any) has been handed over. One
   * link per account per RESET_MAIL_COOLDOWN_MS, so the endpoint cannot flood someone's inbox (the
   * previous link still works); the account's spent and expired links are deleted as a new one is
   * made, so the table stays as small as the live links.
   */
  async sendResetLink(email: string, meta: ClientMeta): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.isActive) return;
    const token = TokenService.randomToken();
    const tokenId = randomUUID();
    const now = this.clock.now();
    const created = await this.dataSource.transaction(async (em) => {
      // Serialises concurrent requests for one account, and reads the address again under the lock:
      // an email change or a disable that committed since the lookup wins (no link for the old one).
      const [locked] = (await em.query(`SELECT email, is_active FROM users WHERE id = $1 FOR NO KEY UPDATE`, [user.id])) as { email: string; is_active: boolean }[];
      if (!locked || locked.email !== user.email || !locked.is_active) return false;
      const tokens = em.getRepository(PasswordResetToken);
      if (await tokens.existsBy({ userId: user.id, createdAt: MoreThan(new Date(now.getTime() - RESET_MAIL_COOLDOWN_MS)) })) return false;
      await tokens.createQueryBuilder().delete().where('user_id = :userId AND (used_at IS NOT NULL OR expires_at <= :now)', { userId: user.id, now }).execute();
      await tokens.insert({
        id: tokenId,
        userId: user.id,
        tokenHash: TokenService.hash(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + RESET_TTL_MS),
        usedAt: null,
      });
      await this.audit.record('password_reset_requested', { userId: user.id, meta }, em);
      return true;
    });
    if (!created) return;
    const link = `${this.config.appUrl}/reset-password?token=${encodeURIComponent(token)}`;
    try {
      await this.mail.send(
        user.email,
        'Reset your password',
        `Someone (hopefully you) asked to reset the password of this account.\n\nOpen this link within one hour to choose a new password:\n${link}\n\nIf you did not ask for this, ignore this message: your password stays unchanged.`,
      );
    } catch (error) {
      // A link nobody received must not stay live, nor count as the account's mail of the last five
      // minutes: the user's next request would then mail nothing at all. Only when it certainly was
      // not sent: one the server may have taken keeps its link and the limit, or a relay failing
      // after each delivery would let this endpoint flood the inbox.
      if (error instanceof MailNotSentError) await this.dataSource.getRepository(PasswordResetToken).delete({ id: tokenId });
      throw error;
    }
  }

  /** Spends a reset token (single use, one hour), sets the password, and ends every session. */
  async resetPassword(token: string, newPassword: string, meta: ClientMeta): Promise<void> {
    const now = this.clock.now();
    // Hashed before the row lock is taken (and for invalid tokens too, which keeps timing uniform).
    const passwordHash = await this.passwords.hash(newPassword);
    const tokenHash = TokenService.hash(token);
    const email = await this.dataSource.transaction(async (em) => {
      const [owner] = (await em.query(`SELECT user_id FROM password_reset_tokens WHERE token_hash = $1`, [tokenHash])) as { user_id: string }[];
      if (!owner) return undefined;
      // The account's row first, then its links: the order of every other path that changes an
      // account (change-password, a new email, a disable, a deletion, a new link), so none of them
      // can deadlock with this one. The link is read again under both locks.
      const [account] = (await em.query(`SELECT is_active, email FROM users WHERE id = $1 FOR NO KEY UPDATE`, [owner.user_id])) as { is_active: boolean; email: string }[];
      const [row] = (await em.query(`SELECT user_id, expires_at, used_at FROM password_reset_tokens WHERE token_hash = $1 FOR UPDATE`, [tokenHash])) as {
        user_id: string;
        expires_at: Date;
        used_at: Date | null;
      }[];
      if (!account?.is_active || !row || row.user_id !== owner.user_id || row.used_at !== null || row.expires_at <= now) return undefined;
      await spendResetTokens(em, row.user_id, now);
      await this.users.setPasswordHash(row.user_id, passwordHash, em);
      const revoked = await this.sessions.revokeAllForUser(row.user_id, 'password_reset', { manager: em });
      await this.audit.record('password_reset', { userId: row.user_id, meta, detail: { sessionsRevoked: revoked } }, em);
      return account.email;
    });
    if (!email) throw new ProblemException(400, INVALID_RESET);
    this.noticePasswordChanged(email);
  }
}

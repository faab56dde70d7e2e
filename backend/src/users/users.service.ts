import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { AuditService, type ClientMeta } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { PasswordService } from '../auth/password.service.js';
import { spendResetTokens } from '../auth/password-reset-token.entity.js';
import { Clock } from '../common/clock.js';
import { roleRequired } from '../auth/guards/roles.guard.js';
import { tokenRefused } from '../auth/guards/jwt-auth.guard.js';
import { conflict, forbidden, notFound, ProblemException, unauthorized } from '../common/problem.js';
import { canonicalEmail } from '../common/validators.js';
import { DEADLOCK_DETECTED, failedWith, UNIQUE_VIOLATION } from '../database/postgres-errors.js';
import { PreparedQueries } from '../database/prepared-queries.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { LoginAttemptsService } from '../throttling/login-attempts.service.js';
import type { AdminUpdateUserDto, ListUsersQuery, UpdateMeDto } from './dto/user.dto.js';
import { User, type Role } from './user.entity.js';

export const EMAIL_TAKEN = 'Email already registered';
export const INCORRECT_CURRENT_PASSWORD = 'The current password is incorrect.';
export const ACCOUNT_DISABLED = 'This account has been disabled.';
export const LAST_ADMIN = 'The last active admin cannot delete their account; make another user an admin first.';

/**
 * One page of `GET /users`, newest first (`id` breaks ties, so pages are stable); `q` is matched as
 * a literal substring, served by the trigram indexes on email and name (migration 1764000000004).
 */
export function userListQuery(users: Repository<User>, query: ListUsersQuery): SelectQueryBuilder<User> {
  const qb = users.createQueryBuilder('u').orderBy('u.created_at', 'DESC').addOrderBy('u.id', 'DESC').take(query.limit).skip(query.offset);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    qb.where('(u.email ILIKE :pattern OR u.name ILIKE :pattern)', { pattern });
  }
  return qb;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly prepared: PreparedQueries,
    private readonly clock: Clock,
    private readonly attempts: LoginAttemptsService,
    private readonly mail: MailService,
  ) {}

  /** The first step of every sign-in: a prepared statement on the unique email index (TypeORM's query builder cost measurable CPU per login). */
  async findByEmail(email: string): Promise<User | null> {
    const rows = await this.prepared.query<{ id: string; email: string; password_hash: string; name: string | null; role: Role; is_active: boolean; created_at: Date; updated_at: Date }>(
      `SELECT id, email, password_hash, name, role, is_active, created_at, updated_at FROM users WHERE email = $1`,
      [canonicalEmail(email)],
    );
    const row = rows[0];
    if (!row) return null;
    return Object.assign(new User(), {
      id: row.id,
      email: row.email,
      passwordHash: row.password_hash,
      name: row.name,
      role: row.role,
      isActive: row.is_active,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('User not found.');
    return user;
  }

  /**
   * The caller's own account. Gone since the guard let the request in, it was deleted, and its
   * sessions with it: that is the guard's refusal (invalid_token, so a client signs out) and not a
   * missing resource, nor a wrong password further on.
   */
  async getCaller(caller: AuthUser): Promise<User> {
    const user = await this.users.findOneBy({ id: caller.id });
    if (!user) throw tokenRefused();
    return user;
  }

  /**
   * The password a signed-in user gives again before a sensitive change: counted against the
   * (account, IP) pair like a sign-in guess, cleared when right; a wrong one is audited
   * (`reauth_failure`, with the session and the action) and refused with `wrongPassword`.
   */
  async reauthenticate(
    caller: AuthUser,
    account: User,
    password: string,
    meta: ClientMeta,
    action: 'change_password' | 'change_email' | 'delete_account',
    wrongPassword: string,
  ): Promise<void> {
    const ok = await this.attempts.counted(account.email, meta.ip ?? 'unknown', () => this.passwords.verify(account.passwordHash, password));
    if (ok) return;
    await this.audit.record('reauth_failure', { userId: account.id, sessionId: caller.sessionId, meta, detail: { action } });
    throw unauthorized(wrongPassword);
  }

  /** Creates an account from a plaintext password (hashed first, outside any transaction). */
  async create(input: { email: string; password: string; name?: string | null; role?: Role }): Promise<User> {
    const { password, ...rest } = input;
    return this.insert({ ...rest, passwordHash: await this.passwords.hash(password) });
  }

  /**
   * Inserts an account whose password is already hashed: callers hash before opening a transaction,
   * so that no connection is held for the ~50 ms of argon2. The unique index decides races, so two
   * concurrent sign-ups get one 409.
   */
  async insert(input: { email: string; passwordHash: string; name?: string | null; role?: Role }, manager?: EntityManager): Promise<User> {
    const repo = manager ? manager.getRepository(User) : this.users;
    try {
      return await repo.save(repo.create({ email: canonicalEmail(input.email), passwordHash: input.passwordHash, name: input.name ?? null, role: input.role ?? 'user' }));
    } catch (error) {
      if (failedWith(error, UNIQUE_VIOLATION)) throw conflict(EMAIL_TAKEN);
      throw error;
    }
  }

  /**
   * A new email needs the current password, like a new password: the email is where reset links go,
   * so without it a stolen access token (or an unattended session) would own the account for good.
   * The check shares the sign-in guessing limit. A new email also spends the outstanding reset links
   * (mailed to the old address) and is recorded in the audit trail (without the addresses).
   *
   * The row is written from a copy read under its lock, never from the one read before the ~50 ms
   * of argon2: a reset, role change or disable committed meanwhile must not be written back; and an
   * email change stands only while the password checked is still the account's.
   *
   * The address an email change leaves is told so: whoever moved it now receives the reset links,
   * and that mailbox is the owner's only way to learn of it.
   */
  async updateMe(caller: AuthUser, dto: UpdateMeDto, meta: ClientMeta): Promise<User> {
    const current = await this.getCaller(caller);
    let verifiedHash: string | undefined;
    if (dto.email !== undefined && dto.email !== current.email) {
      if (dto.currentPassword === undefined) {
        throw new ProblemException(422, 'The request contains invalid fields.', [{ field: 'currentPassword', message: 'The current password is required to change the email' }]);
      }
      await this.reauthenticate(caller, current, dto.currentPassword, meta, 'change_email', INCORRECT_CURRENT_PASSWORD);
      verifiedHash = current.passwordHash;
    }
    let previousEmail: string | undefined;
    try {
      const saved = await this.dataSource.transaction(async (em) => {
        const repo = em.getRepository(User);
        const user = await repo.findOne({ where: { id: caller.id }, lock: { mode: 'for_no_key_update' } });
        if (!user) throw tokenRefused();
        // Disabled meanwhile (its sessions are revoked): an email change in flight must not land.
        if (!user.isActive) throw unauthorized(ACCOUNT_DISABLED);
        const emailChanged = dto.email !== undefined && dto.email !== user.email;
        if (emailChanged && user.passwordHash !== verifiedHash) throw unauthorized(INCORRECT_CURRENT_PASSWORD);
        if (emailChanged) previousEmail = user.email;
        if (dto.name !== undefined) user.name = dto.name;
        if (dto.email !== undefined) user.email = dto.email;
        const saved = await repo.save(user);
        if (emailChanged) {
          await spendResetTokens(em, user.id, this.clock.now());
          await this.audit.record('email_changed', { userId: user.id, sessionId: caller.sessionId, meta }, em);
        }
        return saved;
      });
      if (previousEmail !== undefined) {
        this.mail.notify(
          previousEmail,
          'The email address of your account was changed',
          'The email address you sign in with, and where password reset links are sent, was just changed from this address to another one.\n\n' +
            'If you did not make this change, contact your administrator right away: someone who knows your password may have taken over your account.',
        );
      }
      return saved;
    } catch (error) {
      // A deadlock here is two accounts taking each other's address at once: each wrote its row, then
      // waited for the other's index entry, and PostgreSQL failed one. That one found the address
      // taken, as a unique violation would have said (the only other rows this transaction waits
      // for are its own account's, locked first).
      if (failedWith(error, UNIQUE_VIOLATION) || failedWith(error, DEADLOCK_DETECTED)) throw conflict(EMAIL_TAKEN);
      throw error;
    }
  }

  async setPasswordHash(userId: string, passwordHash: string, manager?: EntityManager): Promise<void> {
    await (manager ? manager.getRepository(User) : this.users).update({ id: userId }, { passwordHash });
  }

  /**
   * Sets a new hash only while the account is active and still has the one the caller verified: a
   * reset, a disable or another change that committed during the ~50 ms of argon2 wins, and this one
   * reports false.
   */
  async replacePasswordHash(userId: string, verifiedHash: string, passwordHash: string, manager?: EntityManager): Promise<boolean> {
    const result = await (manager ? manager.getRepository(User) : this.users).update({ id: userId, passwordHash: verifiedHash, isActive: true }, { passwordHash });
    return result.affected === 1;
  }

  /**
   * The refusal of a change made only over the hash the caller verified, when it matched no row: the
   * account is gone (deleted meanwhile: the guard's refusal, so the client signs out) or its password
   * or status changed (`wrongPassword`).
   */
  async refusalOverStaleHash(userId: string, wrongPassword: string, manager: EntityManager): Promise<ProblemException> {
    return (await manager.getRepository(User).existsBy({ id: userId })) ? unauthorized(wrongPassword) : tokenRefused();
  }


  /**
   * Deletes the caller's account after checking the password (counted like a sign-in guess, since a
   * right one ends the account); tasks and sessions go with it (FK cascade). Only while that password
   * is still the account's and it is active: a reset or a disable committed during the check wins.
   * The last active admin's account is refused (409).
   */
  async deleteMe(caller: AuthUser, password: string, meta: ClientMeta): Promise<void> {
    const user = await this.getCaller(caller);
    await this.reauthenticate(caller, user, password, meta, 'delete_account', 'Incorrect password.');
    await this.dataSource.transaction(async (em) => {
      // The last active admin stays, as it does against a self-demotion: without this an admin's own
      // deletion left a deployment with no admin. Every active admin's row is locked with the caller's,
      // in id order as adminUpdate locks them, so two admins deleting themselves (or demoting each
      // other) at once queue, and the second sees whether an admin would remain.
      const locked = (await em.query(`SELECT id, role, is_active FROM users WHERE id = $1 OR (role = 'admin' AND is_active) ORDER BY id FOR NO KEY UPDATE`, [
        user.id,
      ])) as { id: string; role: Role; is_active: boolean }[];
      const self = locked.find((row) => row.id === user.id);
      if (self?.role === 'admin' && self.is_active && !locked.some((row) => row.id !== user.id && row.role === 'admin' && row.is_active)) {
        throw conflict(LAST_ADMIN);
      }
      const { affected } = await em.getRepository(User).delete({ id: user.id, passwordHash: user.passwordHash, isActive: true });
      // Already deleted (a second tab, a double submit): the account is gone, the password was right.
      if (affected !== 1) throw await this.refusalOverStaleHash(user.id, 'Incorrect password.', em);
      await this.audit.record('account_deleted', { userId: user.id, sessionId: caller.sessionId, meta }, em);
    });
  }

  async list(query: ListUsersQuery): Promise<{ users: User[]; total: number }> {
    const [users, total] = await userListQuery(this.users, query).getManyAndCount();
    return { users, total };
  }

  /**
   * Admin changes. Disabling revokes every session in the same transaction, so it bites at once.
   * An admin cannot change their own role or state, so the caller stays an active admin and the
   * last one cannot be removed; the caller's row is locked with the target's (in id order, so two
   * admins demoting each other at once queue instead of deadlocking) and must still be an active admin.
   */
  async adminUpdate(admin: AuthUser, id: string, dto: AdminUpdateUserDto, meta: ClientMeta): Promise<User> {
    if (id === admin.id && (dto.role !== undefined || dto.isActive !== undefined)) {
      throw forbidden('Admins cannot change their own role or disable their own account; another admin can.');
    }
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(User);
      const locked = await repo
        .createQueryBuilder('u')
        .where('u.id IN (:...ids)', { ids: [id, admin.id] })
        .orderBy('u.id')
        // NO KEY: inserts that only reference these rows (tasks, sessions' foreign keys) need not wait.
        .setLock('for_no_key_update')
        .getMany();
      const caller = locked.find((row) => row.id === admin.id);
      if (!caller || caller.role !== 'admin' || !caller.isActive) throw roleRequired(['admin']);
      const user = locked.find((row) => row.id === id);
      if (!user) throw notFound('User not found.');
      const events: Promise<void>[] = [];
      if (dto.role !== undefined && dto.role !== user.role) {
        events.push(this.audit.record('role_changed', { userId: user.id, meta, detail: { from: user.role, to: dto.role, by: admin.id } }, em));
        user.role = dto.role;
      }
      if (dto.isActive !== undefined && dto.isActive !== user.isActive) {
        user.isActive = dto.isActive;
        if (!dto.isActive) {
          const revoked = await this.sessions.revokeAllForUser(user.id, 'user_disabled', { manager: em });
          await spendResetTokens(em, user.id, this.clock.now());
          events.push(this.audit.record('user_disabled', { userId: user.id, meta, detail: { by: admin.id, sessionsRevoked: revoked } }, em));
        } else {
          events.push(this.audit.record('user_enabled', { userId: user.id, meta, detail: { by: admin.id } }, em));
        }
      }
      await Promise.all(events);
      return repo.save(user);
    });
  }
}

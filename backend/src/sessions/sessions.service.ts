import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_EVENT_COLUMNS, AuditService, type ClientMeta } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { TokenService } from '../auth/token.service.js';
import { Clock } from '../common/clock.js';
import { notFound, unauthorized } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PreparedQueries } from '../database/prepared-queries.js';
import { SessionCheckBatcher } from './session-check-batcher.js';
import type { PublicUser, Role, User } from '../users/user.entity.js';

const DAY_MS = 86_400_000;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshExpiresAt: Date;
  sessionId: string;
  userId: string;
}

/** What a successful refresh yields: the pair and the account it belongs to (never its hash). */
export interface RotatedTokens {
  tokens: IssuedTokens;
  user: PublicUser;
}

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

interface LockedSessionRow {
  id: string;
  user_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  email: string;
  name: string | null;
  role: Role;
  is_active: boolean;
  user_created_at: Date;
  user_updated_at: Date;
}

interface TokenRow {
  id: string;
  parent_id: string | null;
  expires_at: Date;
  spent_at: Date | null;
  successor_ciphertext: Buffer | null;
}

type RotationOutcome =
  | { kind: 'issued'; tokens: IssuedTokens; user: PublicUser }
  | { kind: 'invalid' }
  | { kind: 'live' }
  | { kind: 'reuse'; sessionId: string; userId: string };

const INVALID_REFRESH = 'The refresh token is invalid or expired. Please sign in again.';

/**
 * Sessions are refresh-token families. This service owns their whole life: creation at sign-in,
 * rotation with reuse detection, revocation, and the per-request "is this session still alive" check.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly prepared: PreparedQueries,
  ) {
    // Half the pool at most: the checks gather into larger statements instead of taking the
    // connections the requests they let through need next.
    const inFlight = Math.max(1, Math.floor(config.databasePoolSize / 2));
    this.sessionChecks = new SessionCheckBatcher(
      (ids) =>
        this.prepared.query(
          `SELECT s.id, s.user_id, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active`,
          [ids, this.clock.now()],
        ),
      inFlight,
    );
  }

  private readonly sessionChecks: SessionCheckBatcher;

  /**
   * Opens a session for a user who just proved their identity, and issues its first pair. The
   * audit event of the sign-in is written by the same statement: one round trip and one commit for
   * everything a login changes.
   *
   * Only while the account is active and still has `user.passwordHash`, the hash the password was
   * checked against; otherwise nothing is written and the answer is null. The account's row is
   * share-locked for it, so a password reset either commits first (and this finds another hash) or
   * waits for this session and then revokes it with the others.
   */
  async create(
    user: Pick<User, 'id' | 'email' | 'role' | 'passwordHash'>,
    meta: ClientMeta,
    options: { event?: 'login_success' | 'register'; manager?: EntityManager } = {},
  ): Promise<IssuedTokens | null> {
    const now = this.clock.now();
    const sessionId = randomUUID();
    const sessionExpiresAt = new Date(now.getTime() + this.config.sessionMaxDays * DAY_MS);
    const refreshToken = TokenService.randomToken();
    const refreshExpiresAt = this.refreshExpiry(now, sessionExpiresAt);
    const event = options.event ? this.audit.event(options.event, { userId: user.id, sessionId, meta }) : undefined;
    // A sign-in on its own commits without waiting for its WAL flush (synchronous_commit off for
    // this one transaction): on a VM's disk one slow flush held every sign-in in flight for up to
    // 400 ms (BENCHMARKS.md). It fails closed: only a crash of the database within ~3 ×
    // wal_writer_delay can lose it, and then the session, its first token and its audit row go
    // together, so the tokens the client holds are refused (no session) and nothing dangles; any
    // later durable commit — a write made with the session, its revocation — flushes the WAL past
    // it first. Rotation and revocation stay synchronous (losing one would resurrect a spent token
    // or a revoked session), and so does registration, the caller's transaction: an account the
    // client was told exists.
    const relaxed = options.manager === undefined;
    const text = `WITH ${relaxed ? `relaxed AS (SELECT set_config('synchronous_commit', 'off', true)), ` : ''}account AS (
         SELECT id FROM users WHERE id = $2 AND password_hash = $17 AND is_active FOR SHARE
       ), session AS (
         INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip) SELECT $1, account.id, $3, $3, $4, $5, $6 FROM account RETURNING id
       ), event AS (
         INSERT INTO auth_events (${AUTH_EVENT_COLUMNS}) SELECT $10::varchar, $11::uuid, $12::uuid, $13::varchar, $14::varchar, $15::jsonb, $16::timestamptz FROM session WHERE $10 IS NOT NULL
       )
       INSERT INTO refresh_tokens (id, session_id, token_hash, issued_at, expires_at) SELECT $7, session.id, $8, $3, $9 FROM session${relaxed ? ', relaxed' : ''} RETURNING session_id`;
    const values = [
        sessionId,
        user.id,
        now,
        sessionExpiresAt,
        meta.userAgent?.slice(0, 512) ?? null,
        meta.ip,
        randomUUID(),
        TokenService.hash(refreshToken),
        refreshExpiresAt,
        ...(event?.values ?? [null, null, null, null, null, null, null]),
        user.passwordHash,
    ];
    // Inside a caller's transaction (registration) on its connection; a sign-in on its own.
    const rows = (options.manager ? await options.manager.query(text, values) : await this.prepared.query(text, values)) as unknown[];
    if (rows.length === 0) return null;
    if (event) this.audit.logged(event);
    return this.issued(user, sessionId, refreshToken, refreshExpiresAt);
  }

  /**
   * Exchanges a refresh token for a new pair. Runs under a row lock on the session, so concurrent
   * refreshes of one family are serialized:
   * - the live token is spent and replaced;
   * - the live token's immediate parent, within the grace window, gets the live pair again (a client
   *   that fired several refreshes at once keeps one chain and stays signed in);
   * - any other spent token is reuse: the whole session is revoked.
   */
  async rotate(presented: string, meta: ClientMeta): Promise<RotatedTokens> {
    const hash = TokenService.hash(presented);
    const rotated = await this.rotateLive(hash, meta);
    if (rotated) return rotated;
    const outcome = await this.dataSource.transaction(async (em): Promise<RotationOutcome> => {
      const now = this.clock.now();
      const [session] = (await em.query(
        `SELECT s.id, s.user_id, s.expires_at, s.revoked_at, u.email, u.name, u.role, u.is_active,
                u.created_at AS user_created_at, u.updated_at AS user_updated_at
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1)
            FOR UPDATE OF s`,
        [hash],
      )) as LockedSessionRow[];
      if (!session || session.revoked_at !== null || session.expires_at <= now || !session.is_active) return { kind: 'invalid' };

      // Read the token only now, under the lock: a concurrent rotation may just have spent it.
      const [token] = (await em.query(
        `SELECT id, parent_id, expires_at, spent_at, successor_ciphertext FROM refresh_tokens WHERE token_hash = $1`,
        [hash],
      )) as TokenRow[];
      const user: PublicUser = {
        id: session.user_id,
        email: session.email,
        name: session.name,
        role: session.role,
        isActive: session.is_active,
        createdAt: session.user_created_at,
        updatedAt: session.user_updated_at,
      };

      // rotateLive spends every live token it is given; one it could not settle in its single
      // statement (a race lost without the token being spent) gets one more try, after this lock.
      if (token.spent_at === null) return token.expires_at <= now ? { kind: 'invalid' } : { kind: 'live' };

      const withinGrace = token.spent_at.getTime() + this.config.refreshReuseGraceSeconds * 1000 >= now.getTime();
      if (withinGrace && token.successor_ciphertext !== null) {
        const [live] = (await em.query(
          `SELECT parent_id, token_hash, expires_at FROM refresh_tokens WHERE session_id = $1 AND spent_at IS NULL`,
          [session.id],
        )) as { parent_id: string | null; token_hash: Buffer; expires_at: Date }[];
        const current = this.tokens.unseal(token.successor_ciphertext);
        if (live && live.parent_id === token.id && live.expires_at > now && current !== undefined && TokenService.hash(current).equals(live.token_hash)) {
          return { kind: 'issued', user, tokens: this.issued(user, session.id, current, live.expires_at) };
        }
      }

      await this.revokeWith(em, session.id, 'refresh_reuse', now);
      await this.audit.record('refresh_reuse_detected', { userId: session.user_id, sessionId: session.id, meta }, em);
      return { kind: 'reuse', sessionId: session.id, userId: session.user_id };
    });
    if (outcome.kind === 'live') {
      const retried = await this.rotateLive(hash, meta);
      if (retried) return retried;
    }
    if (outcome.kind !== 'issued') throw unauthorized(INVALID_REFRESH);
    return { tokens: outcome.tokens, user: outcome.user };
  }

  /**
   * The common case — the presented token is its session's live one — in a single statement (one
   * round trip, its own transaction). Returns undefined for everything else (spent, expired,
   * unknown, revoked), which the full path above then sorts into grace, reuse or invalid.
   *
   * Why it is safe under concurrency: `live` locks the session row like the full path does; a
   * statement that had to wait for a concurrent rotation re-checks the session's new version, and
   * `spent` updates the token only if it is *still* unspent in its newest version (READ COMMITTED
   * re-evaluates the WHERE clause of a blocked UPDATE), so of two racing rotations exactly one
   * spends the token; every other change below hangs off `spent` and so happens only with it.
   */
  private async rotateLive(hash: Buffer, meta: ClientMeta): Promise<RotatedTokens | undefined> {
    const now = this.clock.now();
    const next = TokenService.randomToken();
    const rows = await this.prepared.query<{
      session_id: string;
      user_id: string;
      email: string;
      name: string | null;
      role: Role;
      is_active: boolean;
      created_at: Date;
      updated_at: Date;
      refresh_expires_at: Date;
    }>(
      `WITH live AS (
         SELECT t.id AS token_id, t.parent_id, s.id AS session_id, s.expires_at AS session_expires_at,
                u.id AS user_id, u.email, u.name, u.role, u.is_active, u.created_at, u.updated_at
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
          WHERE t.token_hash = $1 AND t.spent_at IS NULL AND t.expires_at > $2
            AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active
            FOR UPDATE OF s
       ), spent AS (
         UPDATE refresh_tokens r SET spent_at = $2, successor_ciphertext = $3
           FROM live WHERE r.id = live.token_id AND r.spent_at IS NULL RETURNING r.id
       ), grandparent AS (
         UPDATE refresh_tokens SET successor_ciphertext = NULL
          WHERE id = (SELECT parent_id FROM live) AND EXISTS (SELECT 1 FROM spent)
       ), touched AS (
         UPDATE sessions SET last_used_at = $2, ip = COALESCE($6, ip), user_agent = COALESCE($7, user_agent)
          WHERE id = (SELECT session_id FROM live) AND EXISTS (SELECT 1 FROM spent)
       ), issued AS (
         INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, issued_at, expires_at)
         SELECT $4, live.session_id, $5, spent.id, $2, LEAST($8::timestamptz, live.session_expires_at) FROM spent, live
         RETURNING expires_at
       )
       SELECT live.session_id, live.user_id, live.email, live.name, live.role, live.is_active, live.created_at, live.updated_at,
              issued.expires_at AS refresh_expires_at
         FROM live, issued`,
      [
        hash,
        now,
        this.tokens.seal(next),
        randomUUID(),
        TokenService.hash(next),
        meta.ip,
        meta.userAgent?.slice(0, 512) ?? null,
        new Date(now.getTime() + this.config.refreshTokenDays * DAY_MS),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    const user: PublicUser = {
      id: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      isActive: row.is_active,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    return { user, tokens: this.issued(user, row.session_id, next, row.refresh_expires_at) };
  }

  /**
   * The per-request check behind every authenticated route: a primary-key lookup that proves the
   * session is neither revoked nor expired and the account is still active, and reads the live role.
   * Concurrent requests' lookups share one statement (SessionCheckBatcher); each is still read after
   * its request arrived.
   */
  async findActivePrincipal(userId: string, sessionId: string): Promise<AuthUser | undefined> {
    const row = await this.sessionChecks.check(sessionId, userId);
    return row && { id: userId, sessionId, email: row.email, role: row.role };
  }

  /** The session a refresh token belongs to, if it still exists (for logout). */
  async sessionOfRefreshToken(presented: string): Promise<{ sessionId: string; userId: string } | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.user_id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1`,
      [TokenService.hash(presented)],
    )) as { id: string; user_id: string }[];
    return rows[0] ? { sessionId: rows[0].id, userId: rows[0].user_id } : undefined;
  }

  /** Revokes one session. Returns false when it was already revoked (idempotent). */
  async revoke(sessionId: string, reason: string, manager?: EntityManager): Promise<boolean> {
    const run = (em: EntityManager) => this.revokeWith(em, sessionId, reason, this.clock.now());
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /** Revokes every live session of a user, optionally sparing one (the caller's own). Returns how many. */
  async revokeAllForUser(userId: string, reason: string, options: { except?: string; manager?: EntityManager } = {}): Promise<number> {
    const run = async (em: EntityManager) => {
      const now = this.clock.now();
      // Locked in id order: an UPDATE locks rows in the order its scan meets them, and the index it
      // scans is ordered by last_used_at, which a refresh moves, so two of these could otherwise
      // lock one user's sessions in opposite orders and deadlock.
      const revoked = (await em.query(
        `WITH target AS (
           SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid)
            ORDER BY id FOR NO KEY UPDATE
         )
         UPDATE sessions s SET revoked_at = $2, revoked_reason = $3 FROM target WHERE s.id = target.id RETURNING s.id`,
        [userId, now, reason, options.except ?? null],
      )) as [{ id: string }[], number];
      const ids = revoked[0].map((r) => r.id);
      if (ids.length > 0) {
        await em.query(
          `UPDATE refresh_tokens SET spent_at = COALESCE(spent_at, $2), successor_ciphertext = NULL WHERE session_id = ANY($1::uuid[])`,
          [ids, now],
        );
      }
      return ids.length;
    };
    return options.manager ? run(options.manager) : this.dataSource.transaction(run);
  }

  /** A user's live sessions, most recently used first. */
  async listForUser(userId: string, currentSessionId: string): Promise<SessionView[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, created_at, last_used_at, expires_at, user_agent, ip FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
        ORDER BY last_used_at DESC, created_at DESC`,
      [userId, this.clock.now()],
    )) as { id: string; created_at: Date; last_used_at: Date; expires_at: Date; user_agent: string | null; ip: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      userAgent: r.user_agent,
      ip: r.ip,
      current: r.id === currentSessionId,
    }));
  }

  /** Revokes a session of this user's; another user's id is indistinguishable from an unknown one. */
  async revokeOwned(caller: AuthUser, sessionId: string, meta: ClientMeta): Promise<void> {
    const userId = caller.id;
    const revoked = await this.dataSource.transaction(async (em) => {
      const rows = (await em.query(`SELECT id FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL FOR UPDATE`, [
        sessionId,
        userId,
      ])) as unknown[];
      if (rows.length === 0) return false;
      await this.revokeWith(em, sessionId, 'revoked_by_user', this.clock.now());
      await this.audit.record('session_revoked', { userId, sessionId, meta, detail: { by: caller.sessionId } }, em);
      return true;
    });
    if (!revoked) throw notFound('Session not found.');
  }

  private async revokeWith(em: EntityManager, sessionId: string, reason: string, now: Date): Promise<boolean> {
    const result = (await em.query(`UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [
      sessionId,
      now,
      reason,
    ])) as [unknown[], number];
    await em.query(`UPDATE refresh_tokens SET spent_at = COALESCE(spent_at, $2), successor_ciphertext = NULL WHERE session_id = $1`, [sessionId, now]);
    return result[1] > 0;
  }

  private refreshExpiry(now: Date, sessionExpiresAt: Date): Date {
    return new Date(Math.min(now.getTime() + this.config.refreshTokenDays * DAY_MS, sessionExpiresAt.getTime()));
  }

  private issued(user: { id: string; email: string; role: Role }, sessionId: string, refreshToken: string, refreshExpiresAt: Date): IssuedTokens {
    return {
      accessToken: this.tokens.signAccessToken(user, sessionId),
      refreshToken,
      expiresIn: this.tokens.accessTokenSeconds,
      refreshExpiresAt,
      sessionId,
      userId: user.id,
    };
  }
}

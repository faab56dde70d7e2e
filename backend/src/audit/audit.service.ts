import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AuthEventType } from './auth-event.entity.js';

export interface ClientMeta {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface AuthEventInput {
  userId?: string | null;
  sessionId?: string | null;
  meta?: ClientMeta;
  /** Ids and reasons only: never a token, hash or password. */
  detail?: Record<string, string | number | boolean | null>;
}

/** The columns of `auth_events` in the order of `AuthEventRow.values`. */
export const AUTH_EVENT_COLUMNS = 'type, user_id, session_id, ip, user_agent, detail, created_at';

/** One audit event, ready to insert (plain SQL: the repository's insert cost measurable CPU per sign-in). */
export interface AuthEventRow {
  readonly type: AuthEventType;
  readonly values: readonly [AuthEventType, string | null, string | null, string | null, string | null, string | null, Date];
  readonly log: Readonly<Record<string, unknown>>;
}

/** Writes the security audit trail: one row in `auth_events` and one JSON log line per event. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('AuthEvent');
  }

  /** Pass the transaction's manager so the event commits (or rolls back) with the change it records. */
  async record(type: AuthEventType, input: AuthEventInput, manager?: EntityManager): Promise<void> {
    const event = this.event(type, input);
    await (manager ?? this.dataSource).query(`INSERT INTO auth_events (${AUTH_EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, event.values);
    this.logged(event);
  }

  /**
   * The row `record` would write, for a statement that inserts it together with the change it
   * records (one round trip, one commit: see SessionsService.create). Call `logged` once committed.
   */
  event(type: AuthEventType, input: AuthEventInput): AuthEventRow {
    const userId = input.userId ?? null;
    const sessionId = input.sessionId ?? null;
    const ip = input.meta?.ip ?? null;
    const detail = input.detail ?? null;
    return {
      type,
      values: [type, userId, sessionId, ip, input.meta?.userAgent?.slice(0, 512) ?? null, detail === null ? null : JSON.stringify(detail), this.clock.now()],
      log: { event: type, userId, sessionId, ip, detail },
    };
  }

  logged(event: AuthEventRow): void {
    this.logger.info(event.log, `auth event ${event.type}`);
  }
}

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
    const event = {
      type,
      userId: input.userId ?? null,
      sessionId: input.sessionId ?? null,
      ip: input.meta?.ip ?? null,
      userAgent: input.meta?.userAgent?.slice(0, 512) ?? null,
      detail: input.detail ?? null,
      createdAt: this.clock.now(),
    };
    // Plain SQL: written on every sign-in, where the repository's insert (and its RETURNING of the
    // generated id nobody reads) cost measurable CPU per request.
    await (manager ?? this.dataSource).query(
      `INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.type, event.userId, event.sessionId, event.ip, event.userAgent, event.detail === null ? null : JSON.stringify(event.detail), event.createdAt],
    );
    this.logger.info({ event: type, userId: event.userId, sessionId: event.sessionId, ip: event.ip, detail: event.detail }, `auth event ${type}`);
  }
}

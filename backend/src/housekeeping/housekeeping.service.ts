import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { describeError } from '../common/problem-details.filter.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const DAY_MS = 86_400_000;
/** Rows per statement: each batch is a short transaction, never one that holds a table's locks for minutes. */
const BATCH = 5_000;

export interface HousekeepingResult {
  sessions: number;
  resetLinks: number;
  authEvents: number;
}

/**
 * Deletes what no request can use any more, so that the tables grow with the users and not with
 * time: sessions past their absolute expiry (their refresh tokens go with them; a revoked session
 * goes when it would have expired), reset links that are spent or expired, and audit events older
 * than AUDIT_RETENTION_DAYS. Every instance runs it every HOUSEKEEPING_INTERVAL_MINUTES; batches
 * skip rows another instance is deleting, so they share the work instead of waiting on each other.
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('HousekeepingService');
  }

  onApplicationBootstrap(): void {
    const minutes = this.config.housekeepingIntervalMinutes;
    if (minutes === 0) return;
    // Not at start: a fleet restarting together would otherwise all delete at once, beside their warm-up.
    this.timer = setInterval(() => void this.runLogged(), minutes * 60_000).unref();
  }

  /** Before the pools close (onApplicationShutdown): a pass in progress ends after its current batch. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    await this.running;
  }

  /** One pass; what it deleted. */
  run(): Promise<HousekeepingResult> {
    const pass = this.pass();
    const running = pass.catch(() => undefined).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return pass;
  }

  private async pass(): Promise<HousekeepingResult> {
    const now = this.clock.now().getTime();
    const retention = this.config.auditRetentionDays;
    return {
      sessions: await this.purge('sessions', 'expires_at < $1', new Date(now)),
      resetLinks: await this.purge('password_reset_tokens', 'used_at IS NOT NULL OR expires_at < $1', new Date(now)),
      authEvents: retention === 0 ? 0 : await this.purge('auth_events', 'created_at < $1', new Date(now - retention * DAY_MS)),
    };
  }

  private async runLogged(): Promise<void> {
    // A pass slower than the interval is not started twice.
    if (this.running) return;
    try {
      const deleted = await this.run();
      if (deleted.sessions + deleted.resetLinks + deleted.authEvents > 0) this.logger.info({ deleted }, 'housekeeping');
    } catch (error) {
      this.logger.error({ err: describeError(error) }, 'housekeeping failed');
    }
  }

  private async purge(table: string, condition: string, before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(
        `WITH doomed AS (SELECT id FROM ${table} WHERE ${condition} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         DELETE FROM ${table} t USING doomed WHERE t.id = doomed.id`,
        [before],
      )) as [unknown, number];
      total += deleted;
      if (deleted < BATCH || this.stopping) return total;
    }
  }
}

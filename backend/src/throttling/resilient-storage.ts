import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface.js';
import type { PinoLogger } from 'nestjs-pino';

/**
 * Redis-backed counters that degrade to this process's memory while Redis is unreachable.
 *
 * Why degrade rather than fail closed: the limits exist to slow attackers, and per-instance counting
 * still does that (at most N instances × the limit); refusing every request would turn a cache outage
 * into a full outage. The degradation is logged at error level, at most every 10 s.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage {
  private lastWarning = 0;

  constructor(
    private readonly primary: ThrottlerStorage | undefined,
    private readonly fallback: ThrottlerStorageService,
    private readonly logger: PinoLogger,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.primary) {
      try {
        return await this.primary.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (error) {
        this.warn(error);
      }
    }
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.error({ err: { message: (error as Error)?.message } }, 'Redis unavailable: rate limits are counted per instance until it returns');
  }
}

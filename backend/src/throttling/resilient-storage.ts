import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface.js';
import type { MemoryThrottlerStorage } from './memory-storage.js';
import type { RedisCircuit } from './redis.provider.js';

/**
 * Redis-backed counters that degrade to this process's memory while Redis is unreachable.
 *
 * Why degrade rather than fail closed: the limits exist to slow attackers, and per-instance counting
 * still does that (at most N instances × the limit); refusing every request would turn a cache outage
 * into a full outage. The degradation is logged at error level (see RedisCircuit).
 */
export class ResilientThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  constructor(
    private readonly primary: ThrottlerStorage | undefined,
    private readonly fallback: MemoryThrottlerStorage,
    private readonly circuit: RedisCircuit,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.primary && this.circuit.closed) {
      try {
        return await this.primary.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (error) {
        this.circuit.failed(error);
      }
    }
    return this.fallback.increment(key, ttl, limit, blockDuration);
  }

  /** Nest calls it on the provider @nestjs/throttler makes of this store (the Redis client is ThrottlingModule's to close). */
  onApplicationShutdown(): void {
    this.fallback.close();
  }
}

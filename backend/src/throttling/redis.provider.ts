import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.js';

export const REDIS = Symbol('REDIS');

/**
 * The shared Redis connection, or undefined when REDIS_URL is unset. No offline queue: when Redis is
 * down a command fails at once (and callers fall back) instead of hanging the request.
 */
export async function createRedis(config: AppConfig, onError: (message: string) => void): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A Redis that accepts connections but answers nothing must not hang requests either.
    commandTimeout: 250,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // disconnect() arms a timer (default 2 s) to destroy a socket that has not closed — even one that
    // closed long ago when Redis was unreachable, and that timer alone held shutdown open for 2 s.
    disconnectTimeout: 100,
  });
  // Without this listener ioredis reports every failed reconnect as an unhandled error event.
  redis.on('error', () => undefined);
  try {
    // Connect before serving: with no offline queue, requests racing the first connect would
    // silently count in memory.
    await redis.connect();
  } catch (error) {
    onError(`Redis at REDIS_URL is unreachable (${(error as Error).message}): counting in memory until it answers`);
  }
  return redis;
}

/**
 * Shared by everything that counts in Redis: after a failure, Redis is skipped for a few seconds
 * (callers use their in-memory fallback), so an unreachable or frozen Redis costs one timeout per
 * interval instead of one per request; and the degradation is logged at most once per interval.
 */
export class RedisCircuit {
  private openUntil = 0;

  constructor(
    private readonly onError: (message: string) => void,
    private readonly cooldownMs = 5000,
  ) {}

  get closed(): boolean {
    return Date.now() >= this.openUntil;
  }

  failed(error: unknown): void {
    const now = Date.now();
    if (now >= this.openUntil) {
      this.onError(`Redis unavailable (${(error as Error)?.message}): rate limits and failed-login counters are kept per instance until it answers`);
    }
    this.openUntil = now + this.cooldownMs;
  }
}

export const REDIS_CIRCUIT = Symbol('REDIS_CIRCUIT');

import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.js';

export const REDIS = Symbol('REDIS');

/**
 * The shared Redis connection, or undefined when REDIS_URL is unset. No offline queue: when Redis is
 * down a command fails at once (and callers fall back) instead of hanging the request.
 */
export function createRedis(config: AppConfig): Redis | undefined {
  if (!config.redisUrl) return undefined;
  return new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

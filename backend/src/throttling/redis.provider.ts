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
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
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

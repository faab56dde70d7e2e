import { jest } from '@jest/globals';
import { MemoryThrottlerStorage } from './memory-storage.js';
import { RedisCircuit } from './redis.provider.js';
import { ResilientThrottlerStorage } from './resilient-storage.js';

describe('in-memory throttler counters', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sweep on a timer that closing the store stops', () => {
    const storage = new MemoryThrottlerStorage(1_000);
    expect(jest.getTimerCount()).toBe(1);
    storage.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('are closed with the app: the store Nest shuts down closes its in-memory fallback', () => {
    const storage = new ResilientThrottlerStorage(undefined, new MemoryThrottlerStorage(1_000), new RedisCircuit(() => undefined));
    storage.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });
});

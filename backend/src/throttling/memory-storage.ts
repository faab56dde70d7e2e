import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface.js';

interface Window {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

/**
 * In-memory counters with the same fixed-window semantics as the Redis store: O(1) time and memory
 * per key. (@nestjs/throttler's own memory store keeps a timestamp per hit and copies that array on
 * every request; under load with generous limits that was most of the API's CPU and ~300 MB of RSS,
 * see BENCHMARKS.md.)
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Stops the sweep: unref'd, it never held a process open, but it held this store (and so its app) in memory. */
  close(): void {
    clearInterval(this.sweeper);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || (window.endsAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
    if (window.blockedUntil <= now) {
      window.hits += 1;
      if (window.hits > limit) window.blockedUntil = now + blockDuration;
    }
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: window.hits,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(window.blockedUntil - now) : 0,
    };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
  }
}

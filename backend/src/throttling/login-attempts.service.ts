import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { Clock } from '../common/clock.js';
import { tooManyRequests } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REDIS, REDIS_CIRCUIT, type RedisCircuit } from './redis.provider.js';

/**
 * Login attempts per (account, client IP) pair, cleared by a correct password: in effect failures,
 * counted as they start. Keyed on the pair, so an attacker hammering one
 * account from one address is stopped while the owner still signs in from anywhere else; spraying
 * many accounts from one address is stopped by the per-IP auth limit instead.
 */
@Injectable()
export class LoginAttemptsService {
  private readonly memory = new Map<string, { count: number; resetAt: number }>();
  private readonly windowMs: number;
  private readonly max: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    @Inject(REDIS_CIRCUIT) private readonly circuit: RedisCircuit,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {
    this.windowMs = config.throttle.ttlSeconds * 1000;
    this.max = config.throttle.loginMaxFailures;
  }

  /**
   * Counts an attempt before the password is checked, and throws 429 (with Retry-After) when this
   * pair has had its `max` attempts in the window. Counting first is what makes the limit hold under
   * concurrency: checking, hashing for ~50 ms, then recording let every request already in flight
   * through (19 parallel guesses got 19 verdicts). A correct password clears the pair (`reset`).
   */
  async reserve(email: string, ip: string): Promise<void> {
    const { count, retryAfterMs } = await this.increment(this.key(email, ip));
    if (count > this.max) throw tooManyRequests(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }

  /**
   * A password check that a signed-in user makes again (change-password, a new email): counted
   * against the same pair as sign-ins, cleared when `check` passes. Returns what `check` says.
   */
  async counted(email: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
    await this.reserve(email, ip);
    const ok = await check();
    if (ok) await this.reset(email, ip);
    return ok;
  }

  async reset(email: string, ip: string): Promise<void> {
    const key = this.key(email, ip);
    this.memory.delete(key);
    if (this.redis && this.circuit.closed) await this.redis.del(key).catch((error: unknown) => this.circuit.failed(error));
  }

  private async increment(key: string): Promise<{ count: number; retryAfterMs: number }> {
    if (this.redis && this.circuit.closed) {
      try {
        const [[, count], , [, ttl]] = (await this.redis.multi().incr(key).pexpire(key, this.windowMs, 'NX').pttl(key).exec()) as [[unknown, number], unknown, [unknown, number]];
        return { count: Number(count), retryAfterMs: Math.max(0, ttl) };
      } catch (error) {
        this.circuit.failed(error);
      }
    }
    // No await between the read and the write: concurrent requests cannot both see the old count.
    const now = this.clock.now().getTime();
    let entry = this.memory.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + this.windowMs };
      this.memory.set(key, entry);
      this.sweep(now);
    }
    entry.count += 1;
    return { count: entry.count, retryAfterMs: entry.resetAt - now };
  }

  /**
   * The email is hashed so that Redis keys (and memory dumps) do not list who was attacked. An IPv6
   * client is its /64, as for the per-IP limits: one host usually holds a whole /64 and could
   * otherwise take a fresh address for every guess.
   */
  private key(email: string, ip: string): string {
    return `login-fail:${createHash('sha256').update(email.toLowerCase()).digest('base64url')}:${normalizeIp(ip)}`;
  }

  private sweep(now: number): void {
    if (this.memory.size < 10_000) return;
    for (const [key, entry] of this.memory) if (entry.resetAt <= now) this.memory.delete(key);
  }
}

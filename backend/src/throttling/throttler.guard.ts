import { Injectable, type ExecutionContext } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, normalizeIp, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { CachedReflector } from '../common/cached-reflector.js';
import { clientIp } from '../common/client-meta.js';
import { tooManyRequests } from '../common/problem.js';

/**
 * Counts per client IP across all routes of a throttler (not per handler, the package default), so
 * `THROTTLE_LIMIT` really is "requests per IP per window". The IP is `clientIp()`: Fastify's
 * `request.ip`, which honours X-Forwarded-For only as far as TRUST_PROXY allows, and only if it is one.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage, reflector: CachedReflector) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    // An IPv6 client is its /64, as for the failed-login counter: one host usually holds a whole /64
    // and can take a fresh address, and so a fresh budget, for every request.
    return normalizeIp(clientIp(request as unknown as FastifyRequest) ?? 'unknown');
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `throttle:${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw tooManyRequests(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}

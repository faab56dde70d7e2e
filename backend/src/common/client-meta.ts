import { isIP } from 'node:net';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientMeta } from '../audit/audit.service.js';

/**
 * The client's address, as far as TRUST_PROXY allows. With a hop count larger than the real number
 * of proxies, `request.ip` is whatever a client wrote into X-Forwarded-For: anything that is not an
 * address falls back to the peer's, so it can neither name a throttling bucket nor reach a column.
 */
export function clientIp(request: FastifyRequest): string | null {
  const ip = request.ip;
  // isIP() also accepts IPv6 zone ids ("fe80::1%eth0") of any length; no client has one.
  if (ip && isIP(ip) && !ip.includes('%')) return ip;
  return request.socket?.remoteAddress ?? null;
}

/** Client address and user agent, for sessions and the audit trail. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientMeta => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const userAgent = request.headers['user-agent'];
  return { ip: clientIp(request), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
});

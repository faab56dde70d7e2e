import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientMeta } from '../audit/audit.service.js';

/** Client address (as far as TRUST_PROXY allows) and user agent, for sessions and the audit trail. */
export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientMeta => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
});

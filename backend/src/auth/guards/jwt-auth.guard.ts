import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { forbidden, unauthorized } from '../../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../cookies.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Global, default-deny authentication: every route needs a live access token unless it is marked
 * `@Public()`. Also the CSRF gate: an unsafe request that would be authenticated by our cookies must
 * come from an allowed origin.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.allowedOrigins = new Set(config.corsOrigins);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.assertNotCrossSite(request);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error || !user) throw unauthorized('Authentication is required: the access token is missing, invalid, expired or revoked.');
    return user;
  }

  /**
   * Cookies ride along on cross-site requests; a bearer header cannot be forged by another site.
   * So only cookie-carrying unsafe requests without an Authorization header are checked. Requests
   * with neither Origin nor Sec-Fetch-Site come from non-browser clients and pass.
   */
  private assertNotCrossSite(request: FastifyRequest): void {
    if (!UNSAFE_METHODS.has(request.method) || request.headers.authorization !== undefined) return;
    const cookies = request.cookies as Record<string, string | undefined> | undefined;
    if (!cookies?.[ACCESS_COOKIE] && !cookies?.[REFRESH_COOKIE]) return;
    const origin = request.headers.origin;
    if (request.headers['sec-fetch-site'] === 'cross-site' || (origin !== undefined && !this.allowedOrigins.has(origin))) {
      throw forbidden('Cross-site request refused: this origin may not act with your session cookies.');
    }
  }
}

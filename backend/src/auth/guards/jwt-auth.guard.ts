import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CachedReflector } from '../../common/cached-reflector.js';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { forbidden, ProblemException, unauthorized } from '../../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { extractAccessToken } from '../access-token.js';
import type { AuthUser } from '../auth-user.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../cookies.js';
import { TokenService } from '../token.service.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_AUTHENTICATED = 'Authentication is required: the access token is missing, invalid, expired or revoked.';

/**
 * Global, default-deny authentication: every route needs a live access token unless it is marked
 * `@Public()`. A token counts only if its signature and claims verify AND its session is still
 * active (a primary-key lookup, shared with concurrent requests), which is what makes revocation
 * immediate.
 *
 * Also the CSRF gate: an unsafe request that would be authenticated by our cookies must come from an
 * allowed origin.
 *
 * Deliberately not a passport strategy: passport keeps strategies in one process-wide registry, so
 * two app instances in one process (a test suite, a worker running two modules) would verify each
 * other's tokens with the wrong key and database.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly reflector: CachedReflector,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {
    this.allowedOrigins = new Set(config.corsOrigins);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    this.assertNotCrossSite(request);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const token = extractAccessToken(request);
    if (token === undefined) throw unauthorized(NOT_AUTHENTICATED);
    const claims = this.tokens.verifyAccessToken(token);
    const user = claims && (await this.sessions.findActivePrincipal(claims.sub, claims.sid));
    // RFC 6750: a presented token that is bad, expired or revoked is `invalid_token`, which tells a
    // client to refresh; a wrong password elsewhere is a plain 401 and must not trigger that.
    if (!user) throw new ProblemException(401, NOT_AUTHENTICATED, undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    request.user = user;
    return true;
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

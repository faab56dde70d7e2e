import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CachedReflector } from '../../common/cached-reflector.js';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { forbidden, ProblemException, unauthorized } from '../../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { extractAccessToken, sendsBearerHeader } from '../access-token.js';
import type { AuthUser } from '../auth-user.js';
import { TokenService } from '../token.service.js';

/** The methods the CSRF gate checks. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_AUTHENTICATED = 'Authentication is required: the access token is missing, invalid, expired or revoked.';

/**
 * A presented access token refused: bad, expired, revoked, or its account gone. RFC 6750's
 * `invalid_token` tells a client to refresh; a wrong password elsewhere is a plain 401 and must not.
 */
export const tokenRefused = () => new ProblemException(401, NOT_AUTHENTICATED, undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

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
    // Swagger UI acts from the API's own origin. In development that is these two, whatever
    // CORS_ORIGINS says; elsewhere list it there (behind the stack's proxy it is PUBLIC_URL, already
    // listed). Never "whatever Host the request names": under DNS rebinding that is the attacker's.
    if (config.environment !== 'production') {
      for (const host of ['localhost', '127.0.0.1']) this.allowedOrigins.add(`http://${host}:${config.port}`);
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    this.assertNotCrossSite(request);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const token = extractAccessToken(request);
    if (token === undefined) throw unauthorized(NOT_AUTHENTICATED);
    const claims = this.tokens.verifyAccessToken(token);
    const user = claims && (await this.sessions.findActivePrincipal(claims.sub, claims.sid));
    if (!user) throw tokenRefused();
    request.user = user;
    return true;
  }

  /**
   * A page on another site may not make a browser act on this API, except with a bearer header
   * (which it cannot forge). With the browser's cookies it would act as the user (CSRF); without
   * them it could still sign the browser in to an account of its choosing, since login, register and
   * refresh answer with session cookies (login CSRF). So every unsafe request without a bearer
   * header is checked — other schemes too: a browser attaches cached Basic credentials (a staging
   * site behind a password) by itself. Requests with neither Origin nor Sec-Fetch-Site come from
   * non-browser clients (the Next.js server among them) and pass.
   */
  private assertNotCrossSite(request: FastifyRequest): void {
    if (!UNSAFE_METHODS.has(request.method) || sendsBearerHeader(request)) return;
    const origin = request.headers.origin;
    if (request.headers['sec-fetch-site'] === 'cross-site' || (origin !== undefined && !this.allowedOrigins.has(origin))) {
      throw forbidden('Cross-site request refused: a page on this origin may not act on this API through a browser.');
    }
  }
}

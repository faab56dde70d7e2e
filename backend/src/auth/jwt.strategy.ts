import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { SessionsService } from '../sessions/sessions.service.js';
import type { AccessTokenClaims, AuthUser } from './auth-user.js';
import { ACCESS_COOKIE } from './cookies.js';
import { TokenService } from './token.service.js';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** Bearer header first; the httpOnly cookie only when no Authorization header is sent. */
export function extractAccessToken(request: FastifyRequest): string | null {
  if (request.headers.authorization !== undefined) return fromBearer(request as never);
  return (request.cookies as Record<string, string | undefined> | undefined)?.[ACCESS_COOKIE] ?? null;
}

/**
 * Verifies access tokens: HS256 only (the algorithm is pinned, so `none` and key-confusion tricks
 * fail), issuer and audience checked, `kid`/`jku` never consulted; then checks the claims' shape and
 * that the session is still alive, which is what makes revocation immediate.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: extractAccessToken as never,
      secretOrKey: tokens.signingKey as never,
      algorithms: tokens.verifyOptions.algorithms,
      issuer: tokens.verifyOptions.issuer as string,
      audience: tokens.verifyOptions.audience as string,
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<AuthUser | false> {
    if (claims.type !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') {
      return false;
    }
    if (!UUID.test(claims.sub) || !UUID.test(claims.sid)) return false;
    return (await this.sessions.findActivePrincipal(claims.sub, claims.sid)) ?? false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

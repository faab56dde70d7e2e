import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config/config.js';
import type { IssuedTokens } from '../sessions/sessions.service.js';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
/** The refresh cookie is only ever sent to the auth routes that need it. */
export const REFRESH_COOKIE_PATH = '/api/auth';

export function setAuthCookies(reply: FastifyReply, tokens: IssuedTokens, config: AppConfig, now: Date): void {
  const base = { httpOnly: true, secure: config.cookieSecure, sameSite: 'lax' as const };
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, { ...base, path: '/', maxAge: tokens.expiresIn });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    ...base,
    path: REFRESH_COOKIE_PATH,
    maxAge: Math.max(0, Math.floor((tokens.refreshExpiresAt.getTime() - now.getTime()) / 1000)),
  });
}

export function clearAuthCookies(reply: FastifyReply, config: AppConfig): void {
  const base = { httpOnly: true, secure: config.cookieSecure, sameSite: 'lax' as const };
  reply.clearCookie(ACCESS_COOKIE, { ...base, path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH });
}

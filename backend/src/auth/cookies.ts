import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config/config.js';
import type { IssuedTokens } from '../sessions/sessions.service.js';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
/** The refresh cookie is only ever sent to the auth routes that need it. */
export const REFRESH_COOKIE_PATH = '/api/auth';

/** The `Set-Cookie` of the routes that sign a browser in or out, for OpenAPI. */
export const SETS_AUTH_COOKIES = {
  'Set-Cookie': {
    description: `\`${ACCESS_COOKIE}\` (path /) and \`${REFRESH_COOKIE}\` (path ${REFRESH_COOKIE_PATH}), httpOnly, SameSite=Lax, Secure in production`,
    schema: { type: 'string' },
  },
};
export const CLEARS_AUTH_COOKIES = { 'Set-Cookie': { description: `Both cookies, expired`, schema: { type: 'string' } } };

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

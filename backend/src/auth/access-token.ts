import type { FastifyRequest } from 'fastify';
import { ACCESS_COOKIE } from './cookies.js';

// The scheme is case-insensitive (RFC 9110 §11.1): clients that write the token response's own
// `token_type` ("bearer") into the header must be understood.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
const BEARER_SCHEME = /^Bearer /i;

/**
 * The access token of a request: the Bearer header when an Authorization header is sent (even a
 * malformed one, which then authenticates nothing), otherwise the httpOnly cookie.
 */
export function extractAccessToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return BEARER.exec(header)?.[1];
  return (request.cookies as Record<string, string | undefined> | undefined)?.[ACCESS_COOKIE] || undefined;
}

/**
 * Whether the request carries a bearer header: one a page on another site cannot make a browser
 * send, unlike cookies or cached Basic credentials, which the browser attaches by itself.
 */
export function sendsBearerHeader(request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  return header !== undefined && BEARER_SCHEME.test(header);
}

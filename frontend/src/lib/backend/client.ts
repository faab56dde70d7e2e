import createClient from 'openapi-fetch';
import type { components, paths } from './openapi.ts';
import { forwardedHeaders, type ForwardedClient } from './forward.ts';

export type BackendClient = ReturnType<typeof createClient<paths>>;
export type Schemas = components['schemas'];

export interface BackendClientOptions {
  baseUrl: string;
  /** A fixed bearer token (used for the backend's own auth routes). */
  accessToken?: string | null;
  /**
   * Supplies the bearer token per request instead. Called again with the token the backend answered
   * 401 to, so that it can refresh; the request is then retried once with the new token.
   */
  authorize?: (rejected?: string) => Promise<string>;
  /**
   * Which 401s mean "token refused" (refresh and retry). Routes that check a password also answer
   * 401 for a wrong password; for those only an RFC 6750 `error="invalid_token"` counts, so a typo
   * does not cost a token rotation and a second failed attempt.
   */
  retryOn401?: 'always' | 'invalid-token';
  client?: ForwardedClient;
  timeoutMs?: number;
}

function tokenRefused(response: Response, mode: BackendClientOptions['retryOn401']): boolean {
  if (response.status !== 401) return false;
  return mode === 'invalid-token' ? /invalid_token/i.test(response.headers.get('www-authenticate') ?? '') : true;
}

/**
 * Typed client for the Nest API, generated from its OpenAPI document (`npm run generate:api`).
 * Server-side only: it carries the backend's bearer token, which must never reach a browser.
 */
export function createBackendClient(options: BackendClientOptions): BackendClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { ...forwardedHeaders(options.client) };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  // A hung backend must not hang the page; and nothing here may be cached across users.
  const send = (request: Request) => fetch(request, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
  const authorize = options.authorize;

  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers,
    fetch: authorize
      ? async (request: Request) => {
          const retry = request.clone();
          const token = await authorize();
          request.headers.set('authorization', `Bearer ${token}`);
          const response = await send(request);
          if (!tokenRefused(response, options.retryOn401)) return response;
          const fresh = await authorize(token);
          retry.headers.set('authorization', `Bearer ${fresh}`);
          return send(retry);
        }
      : send,
  });
}

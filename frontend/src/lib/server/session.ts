import 'server-only';
import { getIP } from 'better-auth/api';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { createBackendClient, type BackendClient } from '../backend/client.ts';
import type { ForwardedClient } from '../backend/forward.ts';
import { appAuth } from './auth.ts';
import { loadConfig } from './config.ts';

export type CurrentSession = NonNullable<Awaited<ReturnType<ReturnType<typeof appAuth>['auth']['api']['getSession']>>>;

/**
 * The signed-in user and session for this request (checked against the database), or null. Never
 * extends the session: a server component cannot write its cookie (see `sessionDueForRenewal`).
 */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  // headers() first: it marks the page as dynamic before anything touches the environment.
  const incoming = await headers();
  return appAuth().auth.api.getSession({ headers: incoming, query: { disableRefresh: true } });
});

/** The browser's User-Agent and address, to be forwarded to the backend on the user's behalf. */
export const forwardedClient = cache(async (): Promise<ForwardedClient> => {
  const incoming = await headers();
  return { userAgent: incoming.get('user-agent'), ip: getIP(incoming, appAuth().options) };
});

export function loginUrl(callbackPath: string): string {
  return `/login?callbackUrl=${encodeURIComponent(callbackPath)}`;
}

export async function requireSession(callbackPath: string): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect(loginUrl(callbackPath));
  return current;
}

/**
 * A typed backend client acting as the signed-in user. It takes a valid access token from the
 * session row (refreshing it at most once at a time), retries once after a 401 with a refreshed
 * token, and sends the user to the sign-in page when the backend has ended their session.
 */
export async function backendAs(
  current: CurrentSession,
  callbackPath: string,
  options: { retryOn401?: 'always' | 'invalid-token' } = {},
): Promise<BackendClient> {
  const { tokens } = appAuth();
  const client = await forwardedClient();
  const sessionId = current.session.id;

  const tokenOrLogin = async (rejected?: string): Promise<string> => {
    const token = await tokens.accessToken(sessionId, { client, rejected });
    if (!token) redirect(loginUrl(callbackPath));
    return token;
  };

  return createBackendClient({
    baseUrl: loadConfig().backendUrl,
    client,
    timeoutMs: 10_000,
    authorize: tokenOrLogin,
    retryOn401: options.retryOn401 ?? 'always',
  });
}

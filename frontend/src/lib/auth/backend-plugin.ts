import type { BetterAuthPlugin, GenericEndpointContext, User } from 'better-auth';
import { APIError, createAuthEndpoint, formCsrfMiddleware, getIP } from 'better-auth/api';
import { setSessionCookie } from 'better-auth/cookies';
import { parseUserOutput } from 'better-auth/db';
import type pg from 'pg';
import * as z from 'zod';
import type { BackendAuthApi, BackendTokens, BackendUser, Outcome } from '../backend/auth-api.ts';
import { BackendUnavailableError } from '../backend/auth-api.ts';
import type { ForwardedClient } from '../backend/forward.ts';

type InternalAdapter = GenericEndpointContext['context']['internalAdapter'];

/** `providerId` of the account row linking a local Better Auth user to its backend user. */
export const BACKEND_PROVIDER_ID = 'backend';

/**
 * Session columns that carry the backend's token pair. `input: false` keeps clients from writing
 * them; `returned: false` keeps them out of `/get-session`, the cookie cache and the client's types.
 */
export const backendSessionFields = {
  backendAccessToken: { type: 'string', required: false, input: false, returned: false },
  backendRefreshToken: { type: 'string', required: false, input: false, returned: false },
  backendAccessTokenExpiresAt: { type: 'date', required: false, input: false, returned: false },
  backendSessionId: { type: 'string', required: false, input: false, returned: false },
} as const;

export function tokenColumns(tokens: BackendTokens) {
  return {
    backendAccessToken: tokens.accessToken,
    backendRefreshToken: tokens.refreshToken,
    backendAccessTokenExpiresAt: tokens.accessTokenExpiresAt,
    backendSessionId: tokens.backendSessionId,
  };
}

export function forwardedClientOf(ctx: Pick<GenericEndpointContext, 'request' | 'headers' | 'context'>): ForwardedClient {
  const headers = ctx.request?.headers ?? ctx.headers;
  if (!headers) return { userAgent: null, ip: null };
  return { userAgent: headers.get('user-agent'), ip: getIP(headers, ctx.context.options) };
}

export interface BackendCredentialsOptions {
  api: BackendAuthApi;
  /** Serialises the find-or-create of one backend user's local mirror across processes. */
  pool: pg.Pool;
}

const signInBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  rememberMe: z.boolean().optional(),
});

const signUpBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  name: z.string().max(200).optional(),
  rememberMe: z.boolean().optional(),
});

const STATUS_NAMES: Record<number, ConstructorParameters<typeof APIError>[0]> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * Relays a backend refusal to the browser: the status, the backend's human sentence and field
 * errors, and Retry-After. Nothing else of the backend's answer is passed on.
 */
function relay<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { status, problem, retryAfterSeconds } = outcome.failure;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds) headers['retry-after'] = String(retryAfterSeconds);
  throw new APIError(
    STATUS_NAMES[status] ?? 'BAD_REQUEST',
    {
      code: `BACKEND_${status}`,
      message: problem?.detail ?? problem?.title ?? 'The request was refused.',
      errors: problem?.errors ?? [],
      retryAfter: retryAfterSeconds,
    },
    headers,
  );
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      throw new APIError('SERVICE_UNAVAILABLE', {
        code: 'BACKEND_UNAVAILABLE',
        message: 'The service is unavailable right now. Please try again in a moment.',
      });
    }
    throw error;
  }
}

/** Runs `work` while holding a transaction-scoped advisory lock named after `key`. */
async function withAdvisoryLock<T>(pool: pg.Pool, key: string, work: () => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`better-auth:backend-user:${key}`]);
    const result = await work();
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

/**
 * The local Better Auth user mirroring a backend user: found through its `backend` account row,
 * created (with that row, and no password) on first sign-in, and kept in step with the backend's
 * email and name.
 */
export async function mirrorUser(adapter: InternalAdapter, pool: pg.Pool, remote: BackendUser): Promise<User> {
  const name = remote.name ?? '';
  return withAdvisoryLock(pool, remote.id, async () => {
    const owner = await adapter.findAccountOwnerByKey({ providerId: BACKEND_PROVIDER_ID, accountId: remote.id });
    if (owner?.kind === 'owned') {
      const local = owner.user as User;
      if (local.email === remote.email.toLowerCase() && local.name === name) return local;
      await evictStaleEmailHolder(adapter, remote, local.id);
      return (await adapter.updateUser(local.id, { email: remote.email, name, updatedAt: new Date() })) as User;
    }
    if (owner?.kind === 'orphaned') await adapter.deleteAccount(owner.account.id);
    await evictStaleEmailHolder(adapter, remote, null);
    const created = await adapter.createUser({ email: remote.email, name, emailVerified: false }, { method: 'backend' });
    if (!created) throw new APIError('INTERNAL_SERVER_ERROR', { message: 'Could not create the local user.' });
    await adapter.linkAccount({ userId: created.id, providerId: BACKEND_PROVIDER_ID, accountId: remote.id });
    return created as User;
  });
}

/**
 * Emails are unique in both places, and the backend is the authority: a local user still holding
 * this address belongs to a backend user who no longer has it (changed or deleted elsewhere), so its
 * stale mirror goes.
 */
async function evictStaleEmailHolder(adapter: InternalAdapter, remote: BackendUser, keepId: string | null) {
  const holder = await adapter.findUserByEmail(remote.email);
  if (!holder || holder.user.id === keepId) return;
  await adapter.deleteUser(holder.user.id);
}

async function startSession(
  ctx: GenericEndpointContext,
  options: BackendCredentialsOptions,
  signedIn: { user: BackendUser; tokens: BackendTokens },
  rememberMe: boolean,
  client: ForwardedClient,
) {
  try {
    const user = await mirrorUser(ctx.context.internalAdapter, options.pool, signedIn.user);
    const session = await ctx.context.internalAdapter.createSession(user.id, !rememberMe, tokenColumns(signedIn.tokens));
    if (!session) throw new APIError('INTERNAL_SERVER_ERROR', { message: 'Could not create a session.' });
    await setSessionCookie(ctx, { session, user }, !rememberMe);
    // The body carries the public user only: no session token, no backend token.
    return ctx.json({ user: parseUserOutput(ctx.context.options, user) });
  } catch (error) {
    // The backend session would otherwise stay alive with nobody holding its tokens.
    await options.api.logout({ accessToken: signedIn.tokens.accessToken, refreshToken: signedIn.tokens.refreshToken }, client).catch(() => undefined);
    throw error;
  }
}

/**
 * Better Auth's credentials, delegated: the backend checks passwords and issues tokens; this plugin
 * turns a backend sign-in into a Better Auth session whose row (never the browser) keeps the tokens.
 */
export function backendCredentials(options: BackendCredentialsOptions) {
  return {
    id: 'backend-credentials',
    endpoints: {
      signInBackend: createAuthEndpoint(
        '/sign-in/backend',
        // Same login-CSRF guard as Better Auth's own sign-in: a foreign origin cannot sign a browser in.
        { method: 'POST', body: signInBody, use: [formCsrfMiddleware] },
        async (ctx) => {
          const client = forwardedClientOf(ctx);
          const signedIn = relay(await guarded(() => options.api.login(ctx.body.email, ctx.body.password, client)));
          return startSession(ctx, options, signedIn, ctx.body.rememberMe !== false, client);
        },
      ),
      signUpBackend: createAuthEndpoint(
        '/sign-up/backend',
        { method: 'POST', body: signUpBody, use: [formCsrfMiddleware] },
        async (ctx) => {
          const client = forwardedClientOf(ctx);
          const { email, password, name } = ctx.body;
          const input = name?.trim() ? { email, password, name: name.trim() } : { email, password };
          const signedUp = relay(await guarded(() => options.api.register(input, client)));
          return startSession(ctx, options, signedUp, ctx.body.rememberMe !== false, client);
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}

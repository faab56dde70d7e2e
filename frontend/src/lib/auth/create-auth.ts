import { betterAuth, type BetterAuthOptions, type BetterAuthPlugin } from 'better-auth';
import { PostgresDialect } from 'kysely';
import type pg from 'pg';
import { createBackendAuthApi, type BackendAuthApi } from '../backend/auth-api.ts';
import { backendCredentials, backendSessionFields, forwardedClientOf } from './backend-plugin.ts';
import { createTokenHelper, type TokenHelper } from './token-helper.ts';

export interface AuthSettings {
  pool: pg.Pool;
  /** PostgreSQL schema for Better Auth's own tables, beside the backend's in the same database. */
  schema: string;
  secret: string;
  /** Public URL of this Next.js app. */
  baseURL: string;
  backendUrl: string;
  /** Addresses (CIDR) of reverse proxies in front of this app, whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  production: boolean;
  extraTrustedOrigins?: string[];
  /** Framework glue that must come last (`nextCookies()`). */
  extraPlugins?: BetterAuthPlugin[];
  /** Injected in tests to count or delay backend calls; defaults to the real backend at `backendUrl`. */
  backendApi?: BackendAuthApi;
}

/**
 * Every Better Auth route except the session basics and this app's backend sign-in/up: one way to
 * sign in, and no second user database that could drift from the backend's.
 */
export const DISABLED_PATHS = [
  '/sign-in/email',
  '/sign-up/email',
  '/sign-in/social',
  '/callback/:id',
  '/change-email',
  '/change-password',
  '/update-user',
  '/delete-user',
  '/delete-user/callback',
  '/request-password-reset',
  '/reset-password',
  '/reset-password/:token',
  '/verify-email',
  '/send-verification-email',
  '/verify-password',
  '/list-sessions',
  '/revoke-session',
  '/revoke-sessions',
  '/revoke-other-sessions',
  '/update-session',
  '/link-social',
  '/unlink-account',
  '/list-accounts',
  '/account-info',
  '/get-access-token',
  '/refresh-token',
];

const DAY = 60 * 60 * 24;
/** The browser session's lifetime, extended (cookie and row) once a day while it is used. */
export const SESSION_EXPIRES_IN_SECONDS = 7 * DAY;
export const SESSION_UPDATE_AGE_SECONDS = DAY;

/**
 * When Better Auth extends a session (its own rule: a day after it was last extended). Server
 * components cannot write cookies, so they read sessions without extending them, and the page asks
 * the browser to extend it from this moment on (`SessionRenewal`): otherwise the row would be
 * extended and the cookie would not, and the browser would drop it 7 days after sign-in however
 * active the user.
 */
export function sessionRenewalDueAt(expiresAt: Date): number {
  return expiresAt.getTime() - SESSION_EXPIRES_IN_SECONDS * 1000 + SESSION_UPDATE_AGE_SECONDS * 1000;
}

/**
 * The app's own origin (plus BETTER_AUTH_TRUSTED_ORIGINS). In development, localhost and 127.0.0.1
 * are the same machine to a person but different origins to the browser: accept both.
 */
function trustedOrigins(settings: AuthSettings): string[] {
  const own = new URL(settings.baseURL);
  const origins = new Set([own.origin, ...(settings.extraTrustedOrigins ?? [])]);
  if (!settings.production && (own.hostname === 'localhost' || own.hostname === '127.0.0.1')) {
    for (const host of ['localhost', '127.0.0.1']) origins.add(`${own.protocol}//${host}${own.port ? `:${own.port}` : ''}`);
  }
  return [...origins];
}

/** Where Better Auth's routes are mounted in this app (src/app/auth/[...all]/route.ts). */
export const AUTH_BASE_PATH = '/auth';

export function buildAuthOptions(settings: AuthSettings, api: BackendAuthApi) {
  return {
    appName: 'Tasks',
    baseURL: settings.baseURL,
    // Not under /api: in production one reverse proxy serves both apps and sends /api/* to the backend.
    basePath: AUTH_BASE_PATH,
    secret: settings.secret,
    trustedOrigins: trustedOrigins(settings),
    database: {
      dialect: new PostgresDialect({ pool: settings.pool }),
      type: 'postgres',
      schemaName: settings.schema,
      transaction: true,
    },
    emailAndPassword: { enabled: false },
    disabledPaths: DISABLED_PATHS,
    session: {
      // The backend's refresh token lives 7 days from its last rotation; a session unused for longer
      // would fail its next refresh anyway.
      expiresIn: SESSION_EXPIRES_IN_SECONDS,
      updateAge: SESSION_UPDATE_AGE_SECONDS,
      additionalFields: backendSessionFields,
      cookieCache: { enabled: false },
    },
    // The backend counts requests per client IP and per account, shared across instances; a second,
    // per-process limiter here would only hide the backend's Retry-After from the user.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      // `Secure` (and the `__Secure-` prefix) whenever the app is served over HTTPS.
      useSecureCookies: new URL(settings.baseURL).protocol === 'https:',
      // Next.js cannot see the socket's peer, so a browser's address can only come from
      // X-Forwarded-For, which any client can write. It is believed only behind a proxy named in
      // TRUSTED_PROXIES (the chain is read from the right, skipping those proxies); without one no
      // address is taken at all, and the backend counts this server's own address instead of one
      // an attacker picks for each guess.
      ipAddress: { trustedProxies: settings.trustedProxies, disableIpTracking: settings.trustedProxies.length === 0 },
      // Better Auth turns its origin/CSRF checks off by itself when NODE_ENV=test; keep them on
      // everywhere, so the tests exercise what production runs.
      disableOriginCheck: false,
    },
    databaseHooks: {
      session: {
        delete: {
          // Covers sign-out, revocation and expiry clean-up alike: the backend session dies with ours.
          before: async (session: Record<string, unknown>, ctx: Parameters<typeof forwardedClientOf>[0] | null) => {
            const accessToken = typeof session.backendAccessToken === 'string' ? session.backendAccessToken : null;
            const refreshToken = typeof session.backendRefreshToken === 'string' ? session.backendRefreshToken : null;
            if (!accessToken && !refreshToken) return;
            const client = ctx ? forwardedClientOf(ctx) : { userAgent: null, ip: null };
            await api.logout({ accessToken, refreshToken }, client).catch((error: unknown) => {
              console.warn('Backend logout failed; its session ends when its tokens expire:', error instanceof Error ? error.message : error);
            });
          },
        },
      },
    },
    plugins: [backendCredentials({ api, pool: settings.pool }), ...(settings.extraPlugins ?? [])],
  } satisfies BetterAuthOptions;
}

export function createAuth(settings: AuthSettings) {
  const api = settings.backendApi ?? createBackendAuthApi({ baseUrl: settings.backendUrl });
  const options = buildAuthOptions(settings, api);
  const auth = betterAuth(options);
  const tokens: TokenHelper = createTokenHelper({
    pool: settings.pool,
    schema: settings.schema,
    api,
    endSession: async (sessionToken) => {
      const context = await auth.$context;
      await context.internalAdapter.deleteSession(sessionToken);
    },
  });
  return { auth, tokens, api, options, pool: settings.pool };
}

export type AppAuth = ReturnType<typeof createAuth>;

import 'server-only';
import { nextCookies } from 'better-auth/next-js';
import pg from 'pg';
import { createAuth, type AppAuth } from '../auth/create-auth.ts';
import { loadConfig } from './config.ts';

// Kept on globalThis so that dev-mode module reloading does not open a new pool on every edit.
const holder = globalThis as typeof globalThis & { __appAuth?: AppAuth };

/**
 * The app's Better Auth instance and backend token helper, built on first use (not at import: `next
 * build` loads route modules without the runtime environment).
 */
export function appAuth(): AppAuth {
  if (!holder.__appAuth) {
    const config = loadConfig();
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, idleTimeoutMillis: 30_000 });
    pool.on('error', (error) => console.error('PostgreSQL pool error:', error.message));
    holder.__appAuth = createAuth({
      pool,
      schema: config.authSchema,
      secret: config.authSecret,
      baseURL: config.authUrl,
      backendUrl: config.backendUrl,
      trustedProxies: config.trustedProxies,
      extraTrustedOrigins: config.trustedOrigins,
      production: config.production,
      // Lets server actions set and clear the session cookie; must stay the last plugin.
      extraPlugins: [nextCookies()],
    });
  }
  return holder.__appAuth;
}

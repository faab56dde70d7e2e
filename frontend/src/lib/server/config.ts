/** The frontend's server-side settings, read once from the environment. */
export interface ServerConfig {
  backendUrl: string;
  authSecret: string;
  authUrl: string;
  databaseUrl: string;
  /** Better Auth's tables live in this schema of the backend's database. */
  authSchema: string;
  trustedProxies: string[];
  /** Connections this server may hold open (DATABASE_POOL_SIZE, default 10). */
  poolSize: number;
  /** Further origins allowed to call the auth routes (BETTER_AUTH_TRUSTED_ORIGINS, comma-separated). */
  trustedOrigins: string[];
  production: boolean;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const DEV_SECRET = 'development-only-better-auth-secret-do-not-deploy';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      'DATABASE_URL is not set. The frontend keeps its sessions in the backend\'s PostgreSQL (schema better_auth): ' +
        'start everything with `npm run dev` at the repository root, or set DATABASE_URL.',
    );
  }
  const authSecret = env.BETTER_AUTH_SECRET ?? (production ? '' : DEV_SECRET);
  if (authSecret.length < 32) {
    throw new Error('BETTER_AUTH_SECRET must be set to at least 32 random characters (e.g. `openssl rand -base64 32`).');
  }
  // Cookies are Secure and browser origins are checked against it: a localhost default in production
  // would refuse every sign-in, far from the cause.
  if (production && !env.BETTER_AUTH_URL) {
    throw new Error('BETTER_AUTH_URL must be set in production: the public URL of this app (e.g. https://app.example.com).');
  }
  return {
    backendUrl: (env.BACKEND_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, ''),
    authSecret,
    authUrl: (env.BETTER_AUTH_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    databaseUrl,
    authSchema: env.BETTER_AUTH_SCHEMA ?? 'better_auth',
    trustedProxies: list(env.TRUSTED_PROXIES),
    poolSize: Math.max(2, Number.parseInt(env.DATABASE_POOL_SIZE ?? '10', 10) || 10),
    trustedOrigins: list(env.BETTER_AUTH_TRUSTED_ORIGINS),
    production,
  };
}

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { canonicalEmail } from '../common/validators.js';

export type Environment = 'development' | 'production' | 'test';

/**
 * The whole runtime configuration, typed, validated once at start (`loadConfig`) and frozen.
 * Every environment variable the backend reads is read here and nowhere else.
 */
export interface AppConfig {
  readonly environment: Environment;
  readonly port: number;
  readonly host: string;
  /** Unset → the backend starts an embedded PostgreSQL (development only). */
  readonly databaseUrl: string | undefined;
  readonly embeddedPostgresDir: string;
  readonly databasePoolSize: number;
  /** Hot-path statements as named prepared statements (off for PgBouncer in transaction mode before 1.21). */
  readonly databasePreparedStatements: boolean;
  readonly runMigrationsOnStart: boolean;
  readonly jwt: {
    readonly secret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenMinutes: number;
  };
  readonly refreshTokenDays: number;
  readonly sessionMaxDays: number;
  readonly refreshReuseGraceSeconds: number;
  readonly corsOrigins: readonly string[];
  /** Fastify `trustProxy`: false, a hop count, or a list of proxy addresses/CIDRs. */
  readonly trustProxy: boolean | number | string[];
  readonly throttle: {
    readonly limit: number;
    readonly ttlSeconds: number;
    readonly authLimit: number;
    readonly loginMaxFailures: number;
  };
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `pretty` (pino-pretty, development only) or `json` (one object per line, for log shippers). */
  readonly logFormat: 'json' | 'pretty';
  readonly argon2: { readonly memoryKiB: number; readonly timeCost: number; readonly parallelism: number };
  /**
   * Threads of libuv's pool, where every argon2 hash runs (and holds `argon2.memoryKiB` while it
   * does). `main.ts` applies it before the pool starts.
   */
  readonly threadpoolSize: number;
  /**
   * How much lower than the event loop's the pool threads' scheduling priority is (a nice
   * increment, Linux only; 0 leaves them alone). `main.ts` applies it once listening.
   */
  readonly threadpoolNice: number;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string; readonly outboxDir: string };
  readonly appUrl: string;
  readonly bodyLimitBytes: number;
  readonly cookieSecure: boolean;
  /** Ended sessions, spent reset links and old audit events are deleted this often; 0: never (another instance or a job does it). */
  readonly housekeepingIntervalMinutes: number;
  /** Audit events older than this are deleted; 0 keeps them for good. */
  readonly auditRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Known-weak values people paste from tutorials; refused in production. */
const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'your-secret-key', 'jwt-secret', 'supersecret', 'password']);
const MIN_SECRET_LENGTH = 32;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * OWASP's argon2id configurations of equal strength (Password Storage Cheat Sheet), as the least
 * memory (KiB) each iteration count may run with: t=1 needs 46 MiB, t=2 19 MiB (the default) … t=5
 * and more 7 MiB. Passes buy back memory, and memory is what each hash in flight holds: an instance
 * short of RAM may trade one for the other, never go below the table (BENCHMARKS.md measures both).
 */
const OWASP_ARGON2ID_MIN_MEMORY_KIB = [47_104, 19_456, 12_288, 9_216, 7_168] as const;
const ARGON2_LEAST_MEMORY_KIB = OWASP_ARGON2ID_MIN_MEMORY_KIB[OWASP_ARGON2ID_MIN_MEMORY_KIB.length - 1];

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) {
      problems.push(`${name} must be an integer (got "${raw}")`);
      return fallback;
    }
    const n = Number(raw);
    if (n < min || n > max) problems.push(`${name} must be between ${min} and ${max} (got ${n})`);
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const environmentRaw = str('ENVIRONMENT') ?? 'development';
  let environment: Environment = 'development';
  if (environmentRaw === 'development' || environmentRaw === 'production' || environmentRaw === 'test') {
    environment = environmentRaw;
  } else {
    problems.push(`ENVIRONMENT must be one of development, production, test (got "${environmentRaw}")`);
  }
  const production = environment === 'production';

  let secret = str('JWT_SECRET_KEY');
  if (secret === undefined) {
    if (production) problems.push('JWT_SECRET_KEY is required when ENVIRONMENT=production');
    // Outside production a per-process random key keeps `npm run dev` zero-setup; tokens simply do
    // not survive a restart.
    secret = randomBytes(48).toString('base64url');
  } else if (production && (secret.length < MIN_SECRET_LENGTH || WEAK_SECRETS.has(secret.toLowerCase()) || new Set(secret).size < 10)) {
    problems.push(`JWT_SECRET_KEY is too weak: use at least ${MIN_SECRET_LENGTH} random characters (e.g. \`openssl rand -base64 48\`)`);
  }

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  if (databaseUrl === undefined && production) {
    problems.push('DATABASE_URL is required when ENVIRONMENT=production (the embedded PostgreSQL is for development)');
  }

  const argon2 = {
    memoryKiB: int('ARGON2_MEMORY_KIB', 19_456, ARGON2_LEAST_MEMORY_KIB, 4_194_304),
    timeCost: int('ARGON2_TIME_COST', 2, 1, 100),
    parallelism: int('ARGON2_PARALLELISM', 1, 1, 16),
  };
  // Checked as a pair only when each value is in range on its own, so that a bad value is reported once.
  const minMemoryKiB = OWASP_ARGON2ID_MIN_MEMORY_KIB[Math.min(argon2.timeCost, OWASP_ARGON2ID_MIN_MEMORY_KIB.length) - 1];
  if (argon2.timeCost >= 1 && argon2.memoryKiB >= ARGON2_LEAST_MEMORY_KIB && argon2.memoryKiB < minMemoryKiB) {
    const pairs = OWASP_ARGON2ID_MIN_MEMORY_KIB.map((m, i) => `m=${m} t=${i + 1}`).join(', ');
    problems.push(
      `ARGON2_MEMORY_KIB=${argon2.memoryKiB} with ARGON2_TIME_COST=${argon2.timeCost} is below OWASP's minimum for argon2id: ` +
        `t=${argon2.timeCost} needs at least ${minMemoryKiB} KiB (the equal-strength pairs: ${pairs} or more passes)`,
    );
  }

  const corsOrigins = (str('CORS_ORIGINS') ?? 'http://localhost:3000,http://localhost:8000')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin === '*' || !/^https?:\/\/[^/]+$/.test(origin)) {
      problems.push(`CORS_ORIGINS must list exact origins like https://app.example.com (got "${origin}"); "*" cannot be used with credentials`);
    }
  }

  const trustProxyRaw = str('TRUST_PROXY');
  let trustProxy: AppConfig['trustProxy'] = false;
  if (trustProxyRaw !== undefined && !['false', '0'].includes(trustProxyRaw.toLowerCase())) {
    if (/^\d+$/.test(trustProxyRaw)) trustProxy = Number(trustProxyRaw);
    else if (trustProxyRaw.toLowerCase() === 'true') {
      problems.push('TRUST_PROXY=true would let any client spoof its IP: give the number of proxy hops or the proxy addresses');
    } else trustProxy = trustProxyRaw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  const logLevel = (str('LOG_LEVEL') ?? (environment === 'test' ? 'silent' : 'info')) as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const logFormat = (str('LOG_FORMAT') ?? (environment === 'development' ? 'pretty' : 'json')) as AppConfig['logFormat'];
  if (logFormat !== 'json' && logFormat !== 'pretty') problems.push('LOG_FORMAT must be json or pretty');
  if (logFormat === 'pretty' && production) problems.push('LOG_FORMAT=pretty is for development; production logs are JSON');

  const adminEmail = str('ADMIN_EMAIL');
  const adminPassword = str('ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== undefined && [...adminPassword].length < 8) problems.push('ADMIN_PASSWORD must be at least 8 characters');

  const smtpUrl = str('SMTP_URL');
  if (smtpUrl === undefined && production) problems.push('SMTP_URL is required when ENVIRONMENT=production (password-reset mail)');

  const appUrl = (str('APP_URL') ?? 'http://localhost:3000').replace(/\/$/, '');
  if (!/^https?:\/\//.test(appUrl)) problems.push('APP_URL must be an http(s) URL');

  const config: AppConfig = {
    environment,
    port: int('PORT', 8000, 0, 65535),
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl,
    embeddedPostgresDir: str('EMBEDDED_POSTGRES_DIR') ?? '.data/postgres',
    // Small on purpose: a PostgreSQL server runs best with about 2 × its cores of active queries, and
    // every replica brings its own pool (measured in BENCHMARKS.md: 20 → 5 connections on a 2-core
    // box halved the database CPU per request).
    databasePoolSize: int('DATABASE_POOL_SIZE', 10, 1, 500),
    databasePreparedStatements: bool('DATABASE_PREPARED_STATEMENTS', true),
    runMigrationsOnStart: bool('RUN_MIGRATIONS', !production),
    jwt: {
      secret,
      issuer: str('JWT_ISSUER') ?? 'nest-auth-stack',
      audience: str('JWT_AUDIENCE') ?? 'nest-auth-stack-api',
      accessTokenMinutes: int('ACCESS_TOKEN_EXPIRE_MINUTES', 30, 1, 60),
    },
    refreshTokenDays: int('REFRESH_TOKEN_EXPIRE_DAYS', 7, 1, 365),
    sessionMaxDays: int('SESSION_MAX_DAYS', 30, 1, 365),
    refreshReuseGraceSeconds: int('REFRESH_REUSE_GRACE_SECONDS', 10, 0, 300),
    corsOrigins,
    trustProxy,
    throttle: {
      limit: int('THROTTLE_LIMIT', 100, 1, 10_000_000),
      ttlSeconds: int('THROTTLE_TTL_SECONDS', 60, 1, 86_400),
      authLimit: int('AUTH_THROTTLE_LIMIT', 20, 1, 10_000_000),
      loginMaxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 10_000_000),
    },
    redisUrl: str('REDIS_URL'),
    redisKeyPrefix: str('REDIS_KEY_PREFIX') ?? 'nas:',
    logLevel,
    logFormat,
    argon2,
    // Node's own variable, with a different default: one thread per core (at least two, so a DNS
    // lookup or file write never queues behind a single hash). Node's fixed 4 ran four 19 MiB
    // hashes at once on two cores — no faster than two, and 38 MiB more memory (BENCHMARKS.md).
    threadpoolSize: int('UV_THREADPOOL_SIZE', Math.max(2, availableParallelism()), 1, 1024),
    // Hashing yields to the event loop: a flood of sign-ins (credential stuffing, a login storm)
    // must not starve every other request. Under list + login load at once, 10 gave the list +45 %
    // requests/s for −20 % sign-ins; with sign-ins alone it costs nothing (BENCHMARKS.md).
    threadpoolNice: int('THREADPOOL_NICE', 10, 0, 19),
    admin: adminEmail !== undefined && adminPassword !== undefined ? { email: canonicalEmail(adminEmail), password: adminPassword } : undefined,
    mail: {
      smtpUrl,
      from: str('MAIL_FROM') ?? 'Nest Auth Stack <no-reply@localhost>',
      outboxDir: str('MAIL_OUTBOX_DIR') ?? '.data/outbox',
    },
    appUrl,
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 102_400, 1024, 50 * 1024 * 1024),
    cookieSecure: production,
    housekeepingIntervalMinutes: int('HOUSEKEEPING_INTERVAL_MINUTES', 60, 0, 10_080),
    // A year: long enough to investigate an incident reported late, short enough that the IP
    // addresses and user agents it holds (personal data) are not kept without end.
    auditRetentionDays: int('AUDIT_RETENTION_DAYS', 365, 0, 36_500),
  };
  if (config.refreshTokenDays > config.sessionMaxDays) {
    problems.push('REFRESH_TOKEN_EXPIRE_DAYS cannot exceed SESSION_MAX_DAYS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Injection token of the validated `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

const STRONG = 'k3y-Wh1ch-Is-Long-And-R4ndom-Enough-f0r-HS256-xyz';
const production = (extra: Record<string, string> = {}) => ({
  ENVIRONMENT: 'production',
  JWT_SECRET_KEY: STRONG,
  DATABASE_URL: 'postgres://u:p@db:5432/app',
  SMTP_URL: 'smtp://mail:25',
  ...extra,
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig', () => {
  it('has the contract’s defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8000);
    expect(config.jwt.accessTokenMinutes).toBe(30);
    expect(config.refreshTokenDays).toBe(7);
    expect(config.sessionMaxDays).toBe(30);
    expect(config.refreshReuseGraceSeconds).toBe(10);
    expect(config.throttle).toEqual({ limit: 100, ttlSeconds: 60, authLimit: 20, loginMaxFailures: 5 });
    expect(config.argon2).toEqual({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });
    expect(config.cookieSecure).toBe(false);
    expect(config.trustProxy).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses to start in production without JWT_SECRET_KEY, naming the variable', () => {
    const { JWT_SECRET_KEY: _omit, ...env } = production();
    expect(problemsOf(env)).toEqual(['JWT_SECRET_KEY is required when ENVIRONMENT=production']);
  });

  it.each(['secret', 'changeme', 'short-but-not-32', 'a'.repeat(40)])('refuses the weak JWT_SECRET_KEY %p in production', (secret) => {
    expect(problemsOf(production({ JWT_SECRET_KEY: secret }))).toEqual([expect.stringMatching(/^JWT_SECRET_KEY is too weak/)]);
  });

  it('accepts a strong secret in production and marks cookies Secure', () => {
    const config = loadConfig(production());
    expect(config.cookieSecure).toBe(true);
    expect(config.logFormat).toBe('json');
  });

  it('refuses an access-token lifetime outside 1–60 minutes', () => {
    expect(problemsOf({ ACCESS_TOKEN_EXPIRE_MINUTES: '0' })).toEqual(['ACCESS_TOKEN_EXPIRE_MINUTES must be between 1 and 60 (got 0)']);
    expect(problemsOf({ ACCESS_TOKEN_EXPIRE_MINUTES: '61' })).toEqual(['ACCESS_TOKEN_EXPIRE_MINUTES must be between 1 and 60 (got 61)']);
    expect(problemsOf({ ACCESS_TOKEN_EXPIRE_MINUTES: 'ten' })).toEqual(['ACCESS_TOKEN_EXPIRE_MINUTES must be an integer (got "ten")']);
  });

  it('refuses argon2 parameters below OWASP’s minimum', () => {
    expect(problemsOf({ ARGON2_MEMORY_KIB: '4096' })).toEqual([expect.stringMatching(/^ARGON2_MEMORY_KIB must be between 7168/)]);
    expect(problemsOf({ ARGON2_TIME_COST: '0' })).toEqual([expect.stringMatching(/^ARGON2_TIME_COST must be between 1/)]);
    // The default memory with a single pass is weaker than any of OWASP's pairs.
    expect(problemsOf({ ARGON2_TIME_COST: '1' })).toEqual([
      "ARGON2_MEMORY_KIB=19456 with ARGON2_TIME_COST=1 is below OWASP's minimum for argon2id: t=1 needs at least 47104 KiB " +
        '(the equal-strength pairs: m=47104 t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4, m=7168 t=5 or more passes)',
    ]);
  });

  it.each([
    ['12288', '2', 19456],
    ['9216', '3', 12288],
    ['7168', '4', 9216],
  ])('refuses m=%s KiB with t=%s: OWASP asks %i KiB at that iteration count', (memory, time, least) => {
    expect(problemsOf({ ARGON2_MEMORY_KIB: memory, ARGON2_TIME_COST: time })).toEqual([expect.stringContaining(`needs at least ${least} KiB`)]);
  });

  it.each([
    ['47104', '1'],
    ['19456', '2'],
    ['12288', '3'],
    ['9216', '4'],
    ['7168', '5'],
    ['7168', '10'],
  ])('accepts OWASP’s equal-strength argon2id pair m=%s KiB, t=%s (less memory per hash for more passes)', (memory, time) => {
    expect(loadConfig({ ARGON2_MEMORY_KIB: memory, ARGON2_TIME_COST: time }).argon2).toEqual({
      memoryKiB: Number(memory),
      timeCost: Number(time),
      parallelism: 1,
    });
  });

  it('sizes the hashing threadpool to the cores (at least two) unless UV_THREADPOOL_SIZE says otherwise', () => {
    expect(loadConfig({}).threadpoolSize).toBe(Math.max(2, availableParallelism()));
    expect(loadConfig({ UV_THREADPOOL_SIZE: '6' }).threadpoolSize).toBe(6);
    expect(problemsOf({ UV_THREADPOOL_SIZE: '0' })).toEqual(['UV_THREADPOOL_SIZE must be between 1 and 1024 (got 0)']);
    expect(problemsOf({ UV_THREADPOOL_SIZE: '2000' })).toEqual(['UV_THREADPOOL_SIZE must be between 1 and 1024 (got 2000)']);
  });

  it('lowers the pool threads 10 nice levels below the event loop unless THREADPOOL_NICE says otherwise', () => {
    expect(loadConfig({}).threadpoolNice).toBe(10);
    expect(loadConfig({ THREADPOOL_NICE: '0' }).threadpoolNice).toBe(0);
    expect(problemsOf({ THREADPOOL_NICE: '20' })).toEqual(['THREADPOOL_NICE must be between 0 and 19 (got 20)']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ ENVIRONMENT: 'staging', PORT: 'http', CORS_ORIGINS: '*', DATABASE_URL: 'mysql://x' });
    expect(problems).toHaveLength(4);
  });

  it('parses TRUST_PROXY as a hop count or an address list, and refuses "true"', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([expect.stringMatching(/^TRUST_PROXY=true would let any client spoof/)]);
  });

  it('requires ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'root@example.com' })).toEqual(['ADMIN_EMAIL and ADMIN_PASSWORD must be set together']);
    expect(loadConfig({ ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'long enough' }).admin).toEqual({ email: 'root@example.com', password: 'long enough' });
  });

  it('keeps refresh tokens within the session limit', () => {
    expect(problemsOf({ REFRESH_TOKEN_EXPIRE_DAYS: '40', SESSION_MAX_DAYS: '30' })).toEqual(['REFRESH_TOKEN_EXPIRE_DAYS cannot exceed SESSION_MAX_DAYS']);
  });

  it('reads only variables that .env.example and the README’s Configuration table document', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const read = [...readFileSync(resolve(import.meta.dirname, 'config.ts'), 'utf8').matchAll(/\b(?:str|int|bool)\('([A-Z0-9_]+)'/g)].map((m) => m[1]);
    const example = readFileSync(resolve(root, '.env.example'), 'utf8');
    const table = /^## Configuration$([\s\S]*?)^Frontend/m.exec(readFileSync(resolve(root, 'README.md'), 'utf8'))![1];
    expect(read).toContain('JWT_SECRET_KEY');
    const undocumented = read.filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(example) || !table.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});

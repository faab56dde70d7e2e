import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/lib/server/config.ts';

describe('server config', () => {
  const base = { DATABASE_URL: 'postgres://db/app', BETTER_AUTH_SECRET: 's'.repeat(32) };

  it('needs the public URL in production, and says which variable', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/BETTER_AUTH_URL must be set in production/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', BETTER_AUTH_URL: 'https://app.example.com/' }).authUrl).toBe('https://app.example.com');
  });

  it('defaults the public URL to localhost in development', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).authUrl).toBe('http://localhost:3000');
  });

  it('refuses a short or missing secret in production, with no development fallback', () => {
    const production = { DATABASE_URL: base.DATABASE_URL, NODE_ENV: 'production' as const, BETTER_AUTH_URL: 'https://app.example.com' };
    expect(() => loadConfig({ ...production, BETTER_AUTH_SECRET: 's'.repeat(31) })).toThrow(/BETTER_AUTH_SECRET/);
    expect(() => loadConfig(production)).toThrow(/BETTER_AUTH_SECRET/);
    expect(loadConfig({ ...production, BETTER_AUTH_SECRET: 's'.repeat(32) }).authSecret).toHaveLength(32);
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  adminDatabaseUrl,
  buildBackend,
  createDatabase,
  dropDatabase,
  FRONTEND_DIR,
  log,
  NODE,
  REPO_DIR,
  startBackend,
  stopChild,
  stopEmbeddedPostgres,
  waitFor,
} from '../scripts/lib/backend-process.mjs';
import { E2E } from './env';

const STANDALONE_SERVER = path.join(FRONTEND_DIR, '.next', 'standalone', 'frontend', 'server.js');

function buildFrontend() {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync(STANDALONE_SERVER)) {
    log('E2E_SKIP_BUILD=1: using the existing production build');
    return;
  }
  log('building the frontend (next build)');
  const result = spawnSync(NODE, [path.join(REPO_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: FRONTEND_DIR,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('next build failed');
  const assets = spawnSync(NODE, [path.join(FRONTEND_DIR, 'scripts', 'standalone-assets.mjs')], { stdio: 'inherit' });
  if (assets.status !== 0) throw new Error('copying the standalone assets failed');
}

/**
 * Test-only scaffolding in the throwaway database: remembers every backend token the frontend ever
 * stores, so the specs can check that none of them, not even a rotated one, reached the browser.
 */
async function captureTokens(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS public.e2e_seen_tokens (token text PRIMARY KEY);
      CREATE OR REPLACE FUNCTION public.e2e_capture_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO public.e2e_seen_tokens (token)
          SELECT t FROM unnest(ARRAY[NEW."backendAccessToken", NEW."backendRefreshToken"]) AS t WHERE t IS NOT NULL
          ON CONFLICT DO NOTHING;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS e2e_capture_tokens ON better_auth."session";
      CREATE TRIGGER e2e_capture_tokens AFTER INSERT OR UPDATE ON better_auth."session"
        FOR EACH ROW EXECUTE FUNCTION public.e2e_capture_tokens();
    `);
  } finally {
    await client.end();
  }
}

export default async function globalSetup() {
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    throw new Error('Chromium is missing: install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).');
  }
  buildBackend();
  buildFrontend();

  rmSync(E2E.outboxDir, { recursive: true, force: true });
  const admin = await adminDatabaseUrl();
  const databaseUrl = await createDatabase(admin, E2E.databaseName);
  const backend = await startBackend({
    port: E2E.backendPort,
    databaseUrl,
    env: {
      CORS_ORIGINS: E2E.appUrl,
      APP_URL: E2E.appUrl,
      // The frontend is the proxy in front of the backend here: believe its X-Forwarded-For.
      TRUST_PROXY: '127.0.0.1',
      // Short-lived access tokens, so the specs also run through server-side refreshes.
      ACCESS_TOKEN_EXPIRE_MINUTES: '1',
      // Development mode without SMTP writes mails to files: the reset-password spec reads its link there.
      ENVIRONMENT: 'development',
      LOG_FORMAT: 'json',
      MAIL_OUTBOX_DIR: E2E.outboxDir,
    },
  });

  log(`starting the frontend on ${E2E.appUrl}`);
  const frontend = spawn(NODE, [STANDALONE_SERVER], {
    cwd: path.dirname(STANDALONE_SERVER),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(E2E.appPort),
      HOSTNAME: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      BACKEND_URL: E2E.backendUrl,
      BETTER_AUTH_URL: E2E.appUrl,
      BETTER_AUTH_SECRET: 'e2e-better-auth-secret-0123456789abcdefghijklmnop',
      DATABASE_POOL_SIZE: '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  frontend.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  frontend.stderr!.on('data', (c: Buffer) => output.push(c.toString()));

  const teardown = async () => {
    await stopChild(frontend);
    await backend.stop();
    await dropDatabase(admin, E2E.databaseName);
    await stopEmbeddedPostgres();
  };
  try {
    await waitFor(`http://127.0.0.1:${E2E.appPort}/login`, { child: frontend, timeoutMs: 90_000 });
    await captureTokens(databaseUrl);
  } catch (error) {
    await teardown();
    throw new Error(`${(error as Error).message}\n--- frontend output ---\n${output.join('')}`);
  }
  process.env.E2E_DATABASE_URL = databaseUrl;
  return async () => {
    if (process.env.E2E_SHOW_SERVER_LOG === '1') process.stderr.write(output.join(''));
    await teardown();
  };
}

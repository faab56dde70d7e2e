#!/usr/bin/env node
// Creates or updates Better Auth's tables (schema better_auth) before a deployment starts the app.
// The server also does this at start (src/instrumentation.ts) unless BETTER_AUTH_MIGRATE_ON_START=false.
import pg from 'pg';
import { loadConfig } from '../src/lib/server/config.ts';
import { createAuth } from '../src/lib/auth/create-auth.ts';
import { migrateAuthSchema } from '../src/lib/auth/migrate.ts';

const config = loadConfig();
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
try {
  const { options } = createAuth({
    pool,
    schema: config.authSchema,
    secret: config.authSecret,
    baseURL: config.authUrl,
    backendUrl: config.backendUrl,
    trustedProxies: config.trustedProxies,
    extraTrustedOrigins: config.trustedOrigins,
    production: config.production,
  });
  const changes = await migrateAuthSchema(options, pool);
  console.log(changes.length ? `Better Auth schema: ${changes.join('; ')}` : 'Better Auth schema is up to date.');
} finally {
  await pool.end();
}

/**
 * Runs once per server process before it serves: brings Better Auth's tables up to date, so a fresh
 * database works with `npm run dev` alone. Production may also run `npm run migrate -w frontend`
 * beforehand; the migration is idempotent and serialised by an advisory lock.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.BETTER_AUTH_MIGRATE_ON_START === 'false') return;
  const { appAuth } = await import('./lib/server/auth');
  const { migrateAuthSchema } = await import('./lib/auth/migrate');
  const { options, pool } = appAuth();
  const changes = await migrateAuthSchema(options, pool);
  if (changes.length) console.log(`Better Auth schema: ${changes.join('; ')}`);
}

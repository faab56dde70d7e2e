import { importFromBackend } from './lib/util.mjs';
import { seedUsersWithTasks, usersOf, mintAccessTokens, mintRefreshChains } from './lib/seed.mjs';
import { hs256Key } from './lib/jwt.mjs';
import { writeFileSync } from 'node:fs';
const pg = await importFromBackend('pg');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
if (process.argv[2] === 'seed') {
  const argon2 = await importFromBackend('argon2');
  const h = await argon2.hash('Bench-passw0rd-for-load', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await seedUsersWithTasks(pool, { group: 'm', from: 1, to: 1000, passwordHash: h, tasksPerUser: 100 });
  await pool.query('ANALYZE');
}
const users = await usersOf(pool, 'm');
writeFileSync('/tmp/dbg-toks.txt', (await mintAccessTokens(pool, users, { key: hs256Key(process.env.JWT_SECRET_KEY), issuer: 'nest-auth-stack', audience: 'nest-auth-stack-api' })).join('\n') + '\n');
writeFileSync('/tmp/dbg-chains.txt', (await mintRefreshChains(pool, users, 100)).join('\n') + '\n');
writeFileSync('/tmp/dbg-emails.txt', users.map((u) => u.email).join('\n') + '\n');
await pool.end();

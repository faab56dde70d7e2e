import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { canonicalEmail } from '../common/validators.js';
import { dataSourceOptions } from '../database/data-source.js';

/**
 * `npm run admin:promote -w backend -- user@example.com`: gives an existing account the admin role.
 * Its sessions are not touched: the role is read live on every request, so it applies at once.
 */
async function main(): Promise<void> {
  const email = process.argv[2] === undefined ? undefined : canonicalEmail(process.argv[2]);
  const url = process.env.DATABASE_URL;
  if (!email) throw new Error('usage: admin:promote <email>');
  if (!url) throw new Error('DATABASE_URL is required');
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    const [rows] = (await dataSource.query(`UPDATE users SET role = 'admin', updated_at = now() WHERE email = $1 RETURNING id`, [email])) as [
      { id: string }[],
      number,
    ];
    if (rows.length === 0) throw new Error(`No user with email ${email}`);
    await dataSource.query(`INSERT INTO auth_events (type, user_id, detail, created_at) VALUES ('role_changed', $1, $2, now())`, [
      rows[0].id,
      JSON.stringify({ to: 'admin', by: 'cli' }),
    ]);
    process.stdout.write(`${email} is now an admin\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

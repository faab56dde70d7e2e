import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source.js';

/**
 * Applies pending migrations and exits: the production way (`npm run migration:run`, or the
 * compose one-shot service), so that N instances starting together never race to migrate.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, ENVIRONMENT: process.env.ENVIRONMENT ?? 'production', JWT_SECRET_KEY: process.env.JWT_SECRET_KEY ?? 'x'.repeat(64), SMTP_URL: process.env.SMTP_URL ?? 'smtp://unused' });
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required to run migrations']);
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl, 1));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}\n` : 'No pending migrations\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

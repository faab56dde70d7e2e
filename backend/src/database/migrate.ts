import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

/**
 * Applies pending migrations and exits: the production way (`npm run migration:run`, or the
 * compose one-shot service), so that N instances starting together never race to migrate.
 */
async function main(): Promise<void> {
  // Only the database matters here: migrating needs no JWT key, mail server or the rest of the config.
  const url = process.env.DATABASE_URL?.trim();
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL (a postgres:// URL) is required to run migrations');
  const dataSource = new DataSource(dataSourceOptions(url, 1));
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

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Its message names what is missing and the command that fixes it: main.ts prints it alone, without a stack. */
export class MissingMigrationsError extends Error {
  constructor(missing: string[]) {
    super(`The database lacks ${missing.length} migration(s) of this build (${missing.join(', ')}): run \`npm run migration:run\` first (RUN_MIGRATIONS=false)`);
    this.name = 'MissingMigrationsError';
  }
}

/**
 * With RUN_MIGRATIONS=false (production: `npm run migration:run` migrates, replicas never do), refuses
 * to start on a database that lacks a migration of this build. Such a backend answered its health
 * check and then a 500 to every request that met a missing table or column, or, with ADMIN_EMAIL
 * set, died at start on a bare `relation "users" does not exist`.
 */
@Injectable()
export class AppliedMigrationsCheck implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.runMigrationsOnStart) return;
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const [{ exists }] = (await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table])) as [{ exists: boolean }];
    const applied = new Set(exists ? ((await this.dataSource.query(`SELECT name FROM "${table}"`)) as { name: string }[]).map((row) => row.name) : []);
    const missing = this.dataSource.migrations.map((migration) => migration.name).filter((name): name is string => name !== undefined && !applied.has(name));
    if (missing.length > 0) throw new MissingMigrationsError(missing);
  }
}

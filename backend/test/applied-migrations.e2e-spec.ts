import { createTestApp, type TestApp } from './kit/index.js';

/** RUN_MIGRATIONS=false, as in production: `npm run migration:run` migrates, the backend only checks. */
describe('A start that does not migrate', () => {
  let migrated: TestApp;
  beforeAll(async () => {
    migrated = await createTestApp();
  });
  afterAll(() => migrated.close());

  /** The refusal's message; an instance that started after all is closed (and its database dropped). */
  const refusal = (options: Parameters<typeof createTestApp>[0]) =>
    createTestApp(options).then(
      async (app) => {
        await app.close();
        return 'started';
      },
      (error: Error) => error.message,
    );

  it('refuses an empty database, saying to run the migrations', async () => {
    expect(await refusal({ env: { RUN_MIGRATIONS: 'false' } })).toMatch(/lacks \d+ migration\(s\) of this build \(InitialSchema1764000000000, .*\): run `npm run migration:run` first/);
  });

  it('refuses a database that lacks the newest migration, naming it', async () => {
    const [{ name }] = await migrated.db.query(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`);
    await migrated.db.query(`DELETE FROM migrations WHERE name = $1`, [name]);
    try {
      expect(await refusal({ databaseUrl: migrated.databaseUrl, env: { RUN_MIGRATIONS: 'false' } })).toContain(`lacks 1 migration(s) of this build (${name})`);
    } finally {
      await migrated.db.query(`INSERT INTO migrations (timestamp, name) VALUES ($1, $2)`, [Number(name.match(/\d{13}$/)![0]), name]);
    }
  });

  it('starts on a database that has every migration', async () => {
    const replica = await createTestApp({ databaseUrl: migrated.databaseUrl, env: { RUN_MIGRATIONS: 'false' } });
    try {
      await replica.http().get('/api/health').expect(200);
    } finally {
      await replica.close();
    }
  });
});

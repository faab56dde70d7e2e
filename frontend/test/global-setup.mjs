import { adminDatabaseUrl, buildBackend, createDatabase, freePort, startBackend } from '../scripts/lib/backend-process.mjs';

/** One real backend on a throwaway database for the whole Jest run; torn down in global-teardown. */
export default async function setup() {
  buildBackend();
  const admin = await adminDatabaseUrl();
  const database = `fe_jest_${process.pid}`;
  const databaseUrl = await createDatabase(admin, database);
  const backend = await startBackend({ port: await freePort(), databaseUrl });
  globalThis.__frontendTest = { admin, database, backend };
  process.env.TEST_BACKEND_URL = backend.url;
  process.env.TEST_APP_DATABASE_URL = databaseUrl;
}

import { dropDatabase, stopEmbeddedPostgres } from '../scripts/lib/backend-process.mjs';

export default async function teardown() {
  const state = globalThis.__frontendTest;
  if (!state) return;
  await state.backend.stop();
  await dropDatabase(state.admin, state.database);
  await stopEmbeddedPostgres();
}

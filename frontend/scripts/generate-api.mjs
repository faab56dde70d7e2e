#!/usr/bin/env node
/**
 * Regenerates src/lib/backend/openapi.ts from the backend's OpenAPI document.
 *   npm run generate:api -w frontend                      boots the backend on a throwaway database
 *   npm run generate:api -w frontend -- --url http://127.0.0.1:8000   uses a running backend
 */
import { writeFile } from 'node:fs/promises';
import { fetchDocument, typesFor, TYPES_PATH } from './lib/openapi-types.mjs';
import { adminDatabaseUrl, buildBackend, createDatabase, dropDatabase, freePort, log, startBackend, stopEmbeddedPostgres } from './lib/backend-process.mjs';

const urlFlag = process.argv.indexOf('--url');
const runningUrl = urlFlag > -1 ? process.argv[urlFlag + 1] : undefined;

async function documentFromBootedBackend() {
  buildBackend();
  const admin = await adminDatabaseUrl();
  const database = `fe_openapi_${process.pid}`;
  const backend = await startBackend({ port: await freePort(), databaseUrl: await createDatabase(admin, database) });
  try {
    return await fetchDocument(backend.url);
  } finally {
    await backend.stop();
    await dropDatabase(admin, database);
    await stopEmbeddedPostgres();
  }
}

const document = runningUrl ? await fetchDocument(runningUrl) : await documentFromBootedBackend();
await writeFile(TYPES_PATH, await typesFor(document));
log(`wrote ${TYPES_PATH.pathname}`);

import { freePort } from '../scripts/lib/backend-process.mjs';

/**
 * Ports and names for this run. Chosen once, in the runner process, and handed to the workers (which
 * load this module again) through the environment: free ports, so neither `npm run dev` (8000/3000)
 * nor another checkout running the same suite at the same time gets in the way.
 */
process.env.E2E_BACKEND_PORT ??= String(await freePort());
process.env.E2E_APP_PORT ??= String(await freePort());
process.env.E2E_RUN_ID ??= String(process.pid);

const backendPort = Number(process.env.E2E_BACKEND_PORT);
const appPort = Number(process.env.E2E_APP_PORT);
const runId = process.env.E2E_RUN_ID;

export const E2E = {
  backendPort,
  appPort,
  backendUrl: `http://127.0.0.1:${backendPort}`,
  appUrl: `http://localhost:${appPort}`,
  databaseName: `fe_e2e_${runId}`,
  /** Where the backend (without SMTP, in development mode) drops its mail, reset links included. */
  outboxDir: new URL(`../.cache/e2e-outbox-${runId}/`, import.meta.url).pathname,
};

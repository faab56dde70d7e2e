/** Ports away from the dev servers' 8000/3000, so `npm run dev` can keep running meanwhile. */
export const E2E = {
  backendPort: 18210,
  appPort: 18310,
  backendUrl: 'http://127.0.0.1:18210',
  appUrl: 'http://localhost:18310',
  databaseName: 'fe_e2e',
  /** Where the backend (without SMTP, in development mode) drops its mail, reset links included. */
  outboxDir: new URL('../.cache/e2e-outbox/', import.meta.url).pathname,
};

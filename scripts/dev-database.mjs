// `npm run dev`'s embedded PostgreSQL, in a process group of its own. The terminal's Ctrl-C goes to
// the whole foreground group: had PostgreSQL been in it, it would have cut every connection at once
// ("terminating connection due to administrator command") while the backend and the frontend were
// still closing theirs. dev.mjs stops it last, with SIGTERM; if dev.mjs dies without doing so, the
// closed IPC channel stops it too.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Stopping is wired before starting: a Ctrl-C during the start (dev.mjs gone) stops it once it is up.
let stopping = false;
let started;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void (started ?? Promise.resolve(undefined)).then(
    async (embedded) => {
      await embedded?.stop();
      process.exit(0);
    },
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
const tell = (message) => process.connected && process.send(message);

const { startEmbeddedPostgres } = await import(resolve(root, 'backend/dist/database/embedded-postgres.js'));
started = startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_POSTGRES_DIR });
try {
  tell({ url: (await started).url });
} catch (error) {
  tell({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

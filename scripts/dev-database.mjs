// `npm run dev`'s embedded PostgreSQL, in a process group of its own. The terminal's Ctrl-C goes to
// the whole foreground group: had PostgreSQL been in it, it would have cut every connection at once
// ("terminating connection due to administrator command") while the backend and the frontend were
// still closing theirs. dev.mjs stops it last, with SIGTERM; if dev.mjs dies without doing so, the
// closed IPC channel stops it too.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { startEmbeddedPostgres } = await import(resolve(root, 'backend/dist/database/embedded-postgres.js'));

let embedded;
try {
  embedded = await startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_POSTGRES_DIR });
} catch (error) {
  process.send({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
process.send({ url: embedded.url });

let stopping;
const stop = () => {
  stopping ??= embedded.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);

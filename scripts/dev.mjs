// `npm run dev`: the whole stack in watch mode on one machine with nothing installed but Node.
// - loads ./.env when present;
// - without DATABASE_URL, starts the embedded PostgreSQL (data in .data/postgres) and shares it with
//   the backend and the frontend;
// - without JWT_SECRET_KEY / BETTER_AUTH_SECRET, uses secrets generated once into .data/, so that
//   sessions survive the restarts of watch mode;
// - trusts the local Next server as a proxy (TRUST_PROXY=loopback) so each browser keeps its own IP;
// - serves the frontend on FRONTEND_PORT (default 3000), the backend on PORT (default 8000);
// - runs the backend (Nest, watch) and the frontend (next dev) side by side until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
if (existsSync('.env')) process.loadEnvFile('.env');

function persistentSecret(name) {
  const file = resolve('.data', `${name}.secret`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

const env = { ...process.env, ENVIRONMENT: process.env.ENVIRONMENT ?? 'development' };
env.JWT_SECRET_KEY ??= persistentSecret('jwt');
env.BETTER_AUTH_SECRET ??= persistentSecret('better-auth');
// The Next server calls the API on behalf of browsers and forwards their address; trusting the
// loopback proxy keeps per-person throttling and device lists meaningful in development.
env.TRUST_PROXY ??= 'loopback';
env.BACKEND_URL ??= `http://127.0.0.1:${env.PORT ?? 8000}`;
// FRONTEND_PORT moves `next dev` as it moves `npm run start -w frontend` (3000 may be taken), and with
// it the origin Better Auth accepts sign-ins from and the reset mails link to.
const frontendPort = env.FRONTEND_PORT ?? '3000';
env.BETTER_AUTH_URL ??= `http://localhost:${frontendPort}`;
env.APP_URL ??= env.BETTER_AUTH_URL;
// The backend runs in backend/: resolve its data paths against the repository root, where this
// script (and .env.example) put them, so the reset mails are in ./.data/outbox.
env.EMBEDDED_POSTGRES_DIR = resolve(root, env.EMBEDDED_POSTGRES_DIR ?? '.data/postgres');
env.MAIL_OUTBOX_DIR = resolve(root, env.MAIL_OUTBOX_DIR ?? '.data/outbox');

// The backend's build provides the embedded-PostgreSQL helper (and a first compile for watch mode).
const build = spawnSync('npm', ['run', 'build', '-w', 'backend'], { stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);

let stopDatabase;
if (!env.DATABASE_URL) {
  console.log(`DATABASE_URL is not set: starting the embedded PostgreSQL in ${env.EMBEDDED_POSTGRES_DIR} …`);
  // Detached: out of reach of the terminal's Ctrl-C, so it outlives the servers' shutdown (dev-database.mjs).
  const database = spawn(process.execPath, [resolve(root, 'scripts/dev-database.mjs')], { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolveReady) => {
    database.once('message', resolveReady);
    database.once('exit', (code) => resolveReady({ error: `it exited with code ${code}` }));
  });
  if (ready.error) {
    // Its messages say what to do (a directory the postgres user cannot enter, a port in use):
    // a stack trace under them would only bury that.
    console.error(`Could not start the embedded PostgreSQL: ${ready.error}`);
    process.exit(1);
  }
  stopDatabase = () =>
    new Promise((resolveStopped) => {
      database.once('exit', resolveStopped);
      database.kill('SIGTERM');
    });
  env.DATABASE_URL = ready.url;
  console.log(`PostgreSQL ready at ${ready.url.replace(/:[^:@/]*@/, ':***@')}`);
}

const children = [];
function run(name, args) {
  // A process group of its own, so that stopping it stops npm's grandchildren (nest, next) too.
  const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
    stream.on('end', () => buffer && process.stdout.write(prefix + buffer + '\n'));
  }
  // 'close', not 'exit': its output has been printed by then, so a crash's last words come first.
  const closed = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      // Stopped by us (Ctrl-C): nothing to report. Otherwise one half died: say how, stop the rest.
      if (!stopping) console.log(`${prefix}stopped on its own (${signal ?? `exit code ${code}`}): stopping the rest`);
      resolve();
      void shutdown(code || 1);
    });
  });
  children.push({ child, closed });
}

run('backend', ['run', 'dev', '-w', 'backend']);
const frontend = JSON.parse(readFileSync('frontend/package.json', 'utf8'));
if (frontend.scripts?.dev) run('frontend', ['run', 'dev', '-w', 'frontend', '--', '--port', frontendPort]);

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  // The backend drains and closes its pool before the database goes (its own deadline is 10 s).
  await Promise.race([Promise.all(children.map(({ closed }) => closed)), new Promise((r) => setTimeout(r, 12_000))]);
  await stopDatabase?.();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

// Hash bound: node:http doing nothing but the argon2id work of a login (one verify) or of a
// registration (one hash) at the configured cost, on a libuv pool of the size the backend runs
// (the runner passes the backend's thread count as UV_THREADPOOL_SIZE, and their priority below the
// event loop as THREADPOOL_NICE). No database, no framework.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { importFromBackend } from '../lib/util.mjs';

const argon2 = await importFromBackend('argon2');
// The backend's own code for it: hashing threads below the event loop, as far as the runner says.
const { lowerThreadpoolPriority } = await import(new URL('../../backend/dist/threadpool-priority.js', import.meta.url));
const storedHash = process.env.PASSWORD_HASH;
const options = {
  type: argon2.argon2id,
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB),
  timeCost: Number(process.env.ARGON2_TIME_COST),
  parallelism: Number(process.env.ARGON2_PARALLELISM),
};

function send(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const { password } = JSON.parse(Buffer.concat(chunks));
        if (req.url === '/api/auth/register') {
          // Salt drawn synchronously, as the backend's PasswordService does: one trip through the pool.
          await argon2.hash(password, { ...options, salt: randomBytes(16) });
          return send(res, 201, { ok: true });
        }
        const ok = await argon2.verify(storedHash, password);
        send(res, ok ? 200 : 401, { ok });
      } catch {
        send(res, 400, { ok: false });
      }
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => void lowerThreadpoolPriority(Number(process.env.THREADPOOL_NICE ?? 0)));

// A clean exit on SIGTERM lets `node --cpu-prof` write its profile when the runner stops us.
process.on('SIGTERM', () => process.exit(0));

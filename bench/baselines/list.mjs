// Hand-written minimum for GET /api/tasks: node:http + a pg pool + HS256 verify (KeyObject) + two
// statements (session-active check, then page with window count), prepared once per connection like
// the backend's. No framework, no validation library, no ORM: the ceiling a framework can approach
// on this machine. The session check is the issue's one statement per request; with
// SESSION_CHECKS=coalesced it is the backend's own coalescing (its SessionCheckBatcher, a plain class
// of the built backend, and its statement), so the framework's cost can be read apart from it.
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hs256Key, verifyAccessJwt } from '../lib/jwt.mjs';
import { SESSION_ACTIVE_SQL, SESSION_BATCH_SQL, TASK_PAGE_SQL } from '../lib/sql.mjs';
import { BACKEND_DIR, importFromBackend } from '../lib/util.mjs';

const pg = await importFromBackend('pg');
// The backend's own conversion of PostgreSQL's timestamp text to ISO 8601 (a plain function of the
// built backend, no framework): the same work per row as the backend, by construction.
const { timestamptzTextToIso: isoOf } = await import(pathToFileURL(resolve(BACKEND_DIR, 'dist/database/timestamptz.js')).href);
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 20);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: poolSize, application_name: 'bench-baseline' });
const key = hs256Key(process.env.JWT_SECRET_KEY);
const verifyOptions = { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE };

let sessionIsLive = async (sid, sub) =>
  (await pool.query({ name: 'session_active', text: SESSION_ACTIVE_SQL, values: [sid, sub, new Date()] })).rows.length > 0;
if (process.env.SESSION_CHECKS === 'coalesced') {
  const { SessionCheckBatcher } = await import(pathToFileURL(resolve(BACKEND_DIR, 'dist/sessions/session-check-batcher.js')).href);
  const query = async (ids) => (await pool.query({ name: 'session_batch', text: SESSION_BATCH_SQL, values: [ids, new Date()] })).rows;
  // The backend's bound on statements in flight: half the pool.
  const batcher = new SessionCheckBatcher(query, Math.max(1, Math.floor(poolSize / 2)));
  sessionIsLive = async (sid, sub) => (await batcher.check(sid, sub)) !== undefined;
}

const UNAUTHORIZED = JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Authentication is required.' });

function send(res, status, body, type = 'application/json; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  const auth = req.headers.authorization;
  const claims = auth?.startsWith('Bearer ') ? verifyAccessJwt(auth.slice(7), key, verifyOptions) : null;
  if (!claims) return send(res, 401, UNAUTHORIZED, 'application/problem+json');
  if (!(await sessionIsLive(claims.sid, claims.sub))) return send(res, 401, UNAUTHORIZED, 'application/problem+json');
  const url = new URL(req.url, 'http://x');
  const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
  const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
  const { rows } = await pool.query({ name: 'task_page', text: TASK_PAGE_SQL, values: [claims.sub, limit, offset] });
  const tasks = rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    completed: r.completed,
    priority: r.priority,
    dueDate: r.due_date,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  }));
  send(res, 200, JSON.stringify({ tasks, total: rows.length > 0 ? Number(rows[0].total) : 0, limit, offset }));
}

http
  .createServer((req, res) => {
    req.resume();
    handle(req, res).catch(() => send(res, 500, '{"status":500}'));
  })
  .listen(Number(process.env.PORT), '127.0.0.1');

// A clean exit on SIGTERM lets `node --cpu-prof` write its profile when the runner stops us.
process.on('SIGTERM', () => process.exit(0));

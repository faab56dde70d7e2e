// Hand-written minimum for GET /api/tasks: node:http + a pg pool + HS256 verify (KeyObject) + the
// backend's two statements (session-active check, then page with window count), prepared once per
// connection like the backend's. No framework, no validation library, no ORM: the ceiling a
// framework can approach on this machine.
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hs256Key, verifyAccessJwt } from '../lib/jwt.mjs';
import { SESSION_ACTIVE_SQL, TASK_PAGE_SQL } from '../lib/sql.mjs';
import { BACKEND_DIR, importFromBackend } from '../lib/util.mjs';

const pg = await importFromBackend('pg');
// The backend's own conversion of PostgreSQL's timestamp text to ISO 8601 (a plain function of the
// built backend, no framework): the same work per row as the backend, by construction.
const { timestamptzTextToIso: isoOf } = await import(pathToFileURL(resolve(BACKEND_DIR, 'dist/database/timestamptz.js')).href);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20), application_name: 'bench-baseline' });
const key = hs256Key(process.env.JWT_SECRET_KEY);
const verifyOptions = { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE };

const UNAUTHORIZED = JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Authentication is required.' });

function send(res, status, body, type = 'application/json; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  const auth = req.headers.authorization;
  const claims = auth?.startsWith('Bearer ') ? verifyAccessJwt(auth.slice(7), key, verifyOptions) : null;
  if (!claims) return send(res, 401, UNAUTHORIZED, 'application/problem+json');
  const session = await pool.query({ name: 'session_active', text: SESSION_ACTIVE_SQL, values: [claims.sid, claims.sub, new Date()] });
  if (session.rows.length === 0) return send(res, 401, UNAUTHORIZED, 'application/problem+json');
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

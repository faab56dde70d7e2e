// Hand-written minimum for refresh: node:http + pg, no framework. The happy path of the backend's
// rotation with the same cryptography (SHA-256 lookup, AES-256-GCM sealed successor, HS256 access
// token) and the backend's own write statement:
//   BEGIN; SELECT token+session+user … FOR UPDATE; UPDATE/UPDATE/UPDATE/INSERT (one statement); COMMIT; sign,
// the sequence the benchmark issue specifies, with both statements prepared. (The backend now does
// the happy path in one statement, so it may beat this "minimum": see BENCHMARKS.md.)
// Anything but a live, unspent token is a 401 here: grace and reuse handling are off the hot path.
import { createCipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { hs256Key, signJwt } from '../lib/jwt.mjs';
import { importFromBackend } from '../lib/util.mjs';

const pg = await importFromBackend('pg');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20), application_name: 'bench-baseline' });
const secret = process.env.JWT_SECRET_KEY;
const key = hs256Key(secret);
const sealKey = Buffer.from(hkdfSync('sha256', secret, 'refresh-successor', 'nest-auth-stack', 32));
const issuer = process.env.JWT_ISSUER;
const audience = process.env.JWT_AUDIENCE;
const accessSeconds = Number(process.env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30) * 60;
const refreshMs = Number(process.env.REFRESH_TOKEN_EXPIRE_DAYS ?? 7) * 86_400_000;

const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest();
function seal(token) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey, iv);
  const body = Buffer.concat([c.update(token, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

const LOCK = `SELECT t.id AS token_id, t.parent_id, t.expires_at AS token_expires_at, t.spent_at,
                     s.id, s.user_id, s.expires_at, s.revoked_at, u.email, u.name, u.role, u.is_active,
                     u.created_at, u.updated_at
                FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
               WHERE t.token_hash = $1
                 FOR UPDATE OF t, s`;
// The backend's statement, except that the INSERT reads from the `spent` CTE: PostgreSQL runs
// data-modifying CTEs nobody references after the main statement, so the INSERT would otherwise meet
// the still-live token in refresh_tokens_one_live_per_session (a unique violation on every refresh).
const ROTATE = `WITH spent AS (
                  UPDATE refresh_tokens SET spent_at = $3, successor_ciphertext = $4 WHERE id = $2 RETURNING id
                ), grandparent AS (
                  UPDATE refresh_tokens SET successor_ciphertext = NULL WHERE id = $5
                ), touched AS (
                  UPDATE sessions SET last_used_at = $3, ip = COALESCE($8, ip), user_agent = COALESCE($9, user_agent) WHERE id = $1
                )
                INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, issued_at, expires_at)
                SELECT $6::uuid, $1::uuid, $7::bytea, spent.id, $3::timestamptz, $10::timestamptz FROM spent`;

async function rotate(presented, ip, userAgent) {
  const hash = sha256(presented);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query({ name: 'lock', text: LOCK, values: [hash] });
    const r = rows[0];
    const now = new Date();
    if (!r || r.revoked_at !== null || r.expires_at <= now || !r.is_active || r.spent_at !== null || r.token_expires_at <= now) {
      await client.query('ROLLBACK');
      return null;
    }
    const next = randomBytes(32).toString('base64url');
    const nextExpiresAt = new Date(Math.min(now.getTime() + refreshMs, r.expires_at.getTime()));
    await client.query({ name: 'rotate', text: ROTATE, values: [r.id, r.token_id, now, seal(next), r.parent_id, randomUUID(), sha256(next), ip, userAgent, nextExpiresAt] });
    await client.query('COMMIT');
    return { r, next, nextExpiresAt, now };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

function send(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const presented = JSON.parse(Buffer.concat(chunks)).refresh_token;
        if (typeof presented !== 'string') return send(res, 401, { status: 401 });
        const out = await rotate(presented, req.socket.remoteAddress ?? null, req.headers['user-agent']?.slice(0, 512) ?? null);
        if (!out) return send(res, 401, { status: 401 });
        const { r, next, nextExpiresAt, now } = out;
        const iat = Math.floor(now.getTime() / 1000);
        const access = signJwt(
          { sub: r.user_id, sid: r.id, email: r.email, role: r.role, type: 'access', iat, exp: iat + accessSeconds, jti: randomUUID(), iss: issuer, aud: audience },
          key,
        );
        const refreshMaxAge = Math.max(0, Math.floor((nextExpiresAt.getTime() - now.getTime()) / 1000));
        send(
          res,
          200,
          {
            access_token: access,
            refresh_token: next,
            token_type: 'bearer',
            expires_in: accessSeconds,
            user: { id: r.user_id, email: r.email, name: r.name, role: r.role, isActive: r.is_active, createdAt: r.created_at, updatedAt: r.updated_at },
          },
          {
            'cache-control': 'no-store',
            'set-cookie': [
              `access_token=${access}; Max-Age=${accessSeconds}; Path=/; HttpOnly; Secure; SameSite=Lax`,
              `refresh_token=${next}; Max-Age=${refreshMaxAge}; Path=/api/auth; HttpOnly; Secure; SameSite=Lax`,
            ],
          },
        );
      } catch (e) {
        if (process.env.BENCH_DEBUG) console.error(e);
        send(res, 500, { status: 500 });
      }
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1');

// A clean exit on SIGTERM lets `node --cpu-prof` write its profile when the runner stops us.
process.on('SIGTERM', () => process.exit(0));

// Seeding straight into the backend's tables with set-based SQL: 10⁶ tasks in seconds, users with a
// real argon2id hash (computed once, shared), sessions and refresh chains minted exactly as the
// backend stores them (SHA-256 of a random token), access tokens signed with the backend's claims.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { signJwt } from './jwt.mjs';

export const emailOf = (group, n) => `bench-${group}${String(n).padStart(5, '0')}@bench.test`;

/** Inserts users `bench-<group><from..to>@bench.test`, each with `tasksPerUser` tasks. */
export async function seedUsersWithTasks(db, { group, from, to, passwordHash, tasksPerUser }) {
  await db.query(
    `INSERT INTO users (email, password_hash, name, role, is_active, created_at, updated_at)
     SELECT 'bench-' || $1 || lpad(g::text, 5, '0') || '@bench.test', $2, 'Bench user ' || g, 'user', true,
            now() - interval '90 days', now() - interval '90 days'
       FROM generate_series($3::int, $4::int) g`,
    [group, passwordHash, from, to],
  );
  if (tasksPerUser > 0) {
    // Titles, descriptions, due dates and flags vary like real data; created_at is spread over the
    // past months so the default sort (-createdAt) has real work to do.
    await db.query(
      `INSERT INTO tasks (user_id, title, description, completed, priority, due_date, created_at, updated_at)
       SELECT u.id,
              'Task ' || t || ': ' || (ARRAY['write the report','call the supplier','review pull request','plan the sprint','fix the flaky test'])[1 + t % 5],
              CASE WHEN t % 3 = 0 THEN NULL ELSE 'Details for task ' || t || ' — follow up with the team and update the tracker before the weekly sync.' END,
              t % 4 = 0,
              (ARRAY['low','medium','high']::task_priority[])[1 + (t * 7) % 3],
              CASE WHEN t % 5 = 0 THEN NULL ELSE current_date + (t % 60 - 20) END,
              now() - make_interval(mins => t * 61 + (hashtext(u.id::text) & 1023)),
              now() - make_interval(mins => t * 61)
         FROM users u
         CROSS JOIN generate_series(1, $2::int) t
        WHERE u.email LIKE 'bench-' || $1 || '%'`,
      [group, tasksPerUser],
    );
  }
}

export async function usersOf(db, group) {
  const { rows } = await db.query(
    `SELECT id, email, role FROM users WHERE email LIKE 'bench-' || $1 || '%' ORDER BY email`,
    [group],
  );
  return rows;
}

async function insertSessions(db, users) {
  const ids = users.map(() => randomUUID());
  await db.query(
    `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip)
     SELECT s, u, now(), now(), now() + interval '30 days', 'bench', '127.0.0.1'
       FROM unnest($1::uuid[], $2::uuid[]) AS x(s, u)`,
    [ids, users.map((u) => u.id)],
  );
  return ids;
}

/** One live session per user and an access token for it, signed like the backend signs them. */
export async function mintAccessTokens(db, users, { key, issuer, audience, minutes = 60 }) {
  const sids = await insertSessions(db, users);
  const iat = Math.floor(Date.now() / 1000);
  return users.map((u, i) =>
    signJwt(
      { sub: u.id, sid: sids[i], email: u.email, role: u.role, type: 'access', iat, exp: iat + minutes * 60, jti: randomUUID(), iss: issuer, aud: audience },
      key,
    ),
  );
}

/** `n` fresh sessions (round-robin over `users`), each with one live refresh token; returns the tokens. */
export async function mintRefreshChains(db, users, n) {
  const owners = Array.from({ length: n }, (_, i) => users[i % users.length]);
  const sids = await insertSessions(db, owners);
  const tokens = owners.map(() => randomBytes(32).toString('base64url'));
  await db.query(
    `INSERT INTO refresh_tokens (id, session_id, token_hash, parent_id, issued_at, expires_at)
     SELECT gen_random_uuid(), s, h, NULL, now(), now() + interval '7 days'
       FROM unnest($1::uuid[], $2::bytea[]) AS x(s, h)`,
    [sids, tokens.map((t) => createHash('sha256').update(t, 'utf8').digest())],
  );
  return tokens;
}

/** One live session for every user that has none, so the sessions table has production's shape. */
export async function seedSessions(db) {
  await db.query(
    `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip)
     SELECT gen_random_uuid(), u.id, now(), now(), now() + interval '30 days', 'bench', '127.0.0.1'
       FROM users u
      WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)`,
  );
}

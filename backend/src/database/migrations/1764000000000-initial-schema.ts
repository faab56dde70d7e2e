import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email         varchar(320) NOT NULL,
        password_hash text NOT NULL,
        name          varchar(100),
        role          varchar(16) NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        is_active     boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // The application stores emails lower-cased; the index on lower() keeps that true even for rows
    // written by hand.
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE sessions (
        id             uuid PRIMARY KEY,
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at     timestamptz NOT NULL,
        last_used_at   timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        revoked_at     timestamptz,
        revoked_reason varchar(32),
        user_agent     varchar(512),
        ip             varchar(64)
      )`);
    await q.query(`CREATE INDEX sessions_user_active_idx ON sessions (user_id, last_used_at DESC) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id                   uuid PRIMARY KEY,
        session_id           uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash           bytea NOT NULL,
        parent_id            uuid,
        issued_at            timestamptz NOT NULL,
        expires_at           timestamptz NOT NULL,
        spent_at             timestamptz,
        successor_ciphertext bytea
      )`);
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    // At most one live (unspent) token per session: the rotation invariant, enforced by the database.
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_one_live_per_session ON refresh_tokens (session_id) WHERE spent_at IS NULL`);

    await q.query(`CREATE TYPE task_priority AS ENUM ('low', 'medium', 'high')`);
    await q.query(`
      CREATE TABLE tasks (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        title       varchar(200) NOT NULL,
        description varchar(2000),
        completed   boolean NOT NULL DEFAULT false,
        priority    task_priority NOT NULL DEFAULT 'medium',
        due_date    date,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // Every task query is scoped to one user; these keep each sort an index range scan per user.
    await q.query(`CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_date, id)`);
    await q.query(`CREATE INDEX tasks_user_priority_idx ON tasks (user_id, priority, id)`);
    await q.query(`CREATE INDEX tasks_user_title_idx ON tasks (user_id, title, id)`);

    await q.query(`
      CREATE TABLE auth_events (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type       varchar(40) NOT NULL,
        user_id    uuid,
        session_id uuid,
        ip         varchar(64),
        user_agent varchar(512),
        detail     jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX auth_events_created_idx ON auth_events (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX auth_events_user_idx ON auth_events (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX auth_events_type_idx ON auth_events (type, created_at DESC)`);

    await q.query(`
      CREATE TABLE password_reset_tokens (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at    timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX password_reset_tokens_hash_key ON password_reset_tokens (token_hash)`);
    await q.query(`CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_reset_tokens`);
    await q.query(`DROP TABLE auth_events`);
    await q.query(`DROP TABLE tasks`);
    await q.query(`DROP TYPE task_priority`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
  }
}

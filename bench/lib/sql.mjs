// The SQL of the authenticated task list, as the backend sends it (backend/src/sessions/
// sessions.service.ts, the session check of concurrent requests in one statement;
// backend/src/tasks/tasks.service.ts list with the default sort). The hand-written baselines run
// these texts, the scaling scenario EXPLAINs them, and the runner checks them against the
// statements it samples from the backend (a drift is a warning).
export const SESSION_BATCH_SQL = `SELECT s.id, s.user_id, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.is_active`;

// The hand-written minimum checks each request's session on its own, with this statement
// (the backend's before it coalesced the checks).
export const SESSION_ACTIVE_SQL = `SELECT u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND u.is_active`;

export const TASK_PAGE_SQL = `SELECT id, title, description, completed, priority, due_date::text AS due_date, created_at::text AS created_at, updated_at::text AS updated_at, count(*) OVER () AS total FROM tasks WHERE user_id = $1 ORDER BY tasks.created_at DESC, tasks.id DESC LIMIT $2 OFFSET $3`;

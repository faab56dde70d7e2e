import type { Role } from '../users/user.entity.js';

/** One session's answer: the principal's current email and role, or nothing when it is not live. */
export interface LivePrincipalRow {
  email: string;
  role: Role;
}

interface Waiting {
  sessionId: string;
  userId: string;
  resolve: (row: LivePrincipalRow | undefined) => void;
  reject: (error: unknown) => void;
}

/** Runs one statement for many sessions: returns the live ones with the user each belongs to. */
export type SessionBatchQuery = (sessionIds: string[]) => Promise<Array<LivePrincipalRow & { id: string; user_id: string }>>;

/**
 * Coalesces the session-active checks of concurrent requests into one statement (the DataLoader
 * pattern). Every authenticated request needs this lookup before anything else, so under load it was
 * half of all statements, and each paid a pooled connection's queue, a protocol round trip and
 * PostgreSQL's per-statement executor start — for one primary-key row.
 *
 * Nothing is cached and nothing waits on a timer: a check joins the statement that is sent after the
 * current turn of the event loop, and while `maxInFlight` such statements are out, new checks gather
 * for the next one. So an idle server sends each check at once, a busy one sends fewer, larger ones,
 * and every answer is read from the database after its request arrived — a revocation committed
 * before a request is always seen by it, exactly as with one statement per request.
 */
export class SessionCheckBatcher {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly query: SessionBatchQuery,
    private readonly maxInFlight: number,
    /** Bounds one statement's parameter array (and so its plan's shape and its wire size). */
    private readonly maxBatch = 128,
  ) {}

  check(sessionId: string, userId: string): Promise<LivePrincipalRow | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ sessionId, userId, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: the checks of every request read in this poll phase join in.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.waiting.length > 0) this.send(this.waiting.splice(0, this.maxBatch));
    });
  }

  private send(batch: Waiting[]): void {
    this.inFlight += 1;
    const ids = [...new Set(batch.map((w) => w.sessionId))];
    this.query(ids)
      .then(
        (rows) => {
          const live = new Map(rows.map((row) => [row.id, row]));
          for (const w of batch) {
            const row = live.get(w.sessionId);
            // The session must belong to the token's subject, not merely exist.
            w.resolve(row !== undefined && row.user_id === w.userId ? { email: row.email, role: row.role } : undefined);
          }
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
  }
}

/**
 * 60 seconds of mixed traffic at concurrency 50, spread round-robin over two backend instances as
 * the proxy would: every response is the expected one (0 errors), and every task the API said it
 * created is in the database, minus exactly those it said it deleted (0 lost writes).
 *
 * Each virtual user signs in once (its own session) and then loops: create, list, read, update,
 * delete, stats, /me, and refresh-token rotation, which hops between instances like everything else.
 */
import { api, dbQuery, deploy, login, PASSWORD, register, uniqueEmail, type Deployment, type Tokens } from './support/cluster.js';

const DURATION_MS = 60_000;
const CONCURRENCY = 50;
const USERS = 10;

let deployment: Deployment;

beforeAll(async () => {
  deployment = await deploy('load', 2, {
    // The limits are not what is measured here: 50 clients on one address would hit them at once.
    THROTTLE_LIMIT: '10000000',
    AUTH_THROTTLE_LIMIT: '10000000',
    LOG_LEVEL: 'warn',
  });
}, 60_000);

afterAll(async () => {
  await deployment?.close();
}, 60_000);

interface Stats {
  requests: number;
  errors: number;
  errorSamples: string[];
  byRoute: Record<string, number>;
  byInstance: number[];
  latencies: number[];
  created: Map<string, number>;
  deleted: Map<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

it(
  `${DURATION_MS / 1000} s at concurrency ${CONCURRENCY} on mixed routes over two instances: 0 errors, 0 lost writes`,
  async () => {
    const bases = deployment.instances.map((i) => i.url);
    const users: { id: string; email: string }[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const email = uniqueEmail('load');
      await register(bases[i % 2], email);
      const tokens = await login(bases[i % 2], email);
      users.push({ id: tokens.user.id, email });
    }

    const stats: Stats = { requests: 0, errors: 0, errorSamples: [], byRoute: {}, byInstance: [0, 0], latencies: [], created: new Map(), deleted: new Map() };
    let roundRobin = 0;
    const deadline = Date.now() + DURATION_MS;

    async function call(route: string, expected: number, method: string, path: string, options: Parameters<typeof api>[3]) {
      const instance = roundRobin++ % 2;
      stats.requests += 1;
      stats.byInstance[instance] += 1;
      stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
      try {
        const res = await api(bases[instance], method, path, { ...options, timeoutMs: 30_000 });
        stats.latencies.push(res.ms);
        if (res.status !== expected) {
          stats.errors += 1;
          if (stats.errorSamples.length < 10) stats.errorSamples.push(`${route} → ${res.status} ${res.text.slice(0, 200)}`);
          return undefined;
        }
        return res;
      } catch (error) {
        stats.errors += 1;
        if (stats.errorSamples.length < 10) stats.errorSamples.push(`${route} → ${(error as Error).message}`);
        return undefined;
      }
    }

    async function virtualUser(index: number) {
      const user = users[index % USERS];
      let tokens: Tokens = await login(bases[index % 2], user.email, PASSWORD);
      const mine: string[] = [];
      let step = 0;
      while (Date.now() < deadline) {
        step += 1;
        const token = tokens.access_token;
        const roll = (step * 7 + index) % 20;
        if (roll < 6 || mine.length === 0) {
          const res = await call('POST /tasks', 201, 'POST', '/api/tasks', {
            token,
            body: { title: `load ${index}-${step}`, priority: (['low', 'medium', 'high'] as const)[step % 3], dueDate: step % 2 ? '2030-01-15' : null },
          });
          if (res) {
            mine.push(res.body.id);
            stats.created.set(user.id, (stats.created.get(user.id) ?? 0) + 1);
          }
        } else if (roll < 10) {
          await call('GET /tasks', 200, 'GET', `/api/tasks?limit=10&sort=${step % 2 ? '-createdAt' : 'priority'}`, { token });
        } else if (roll < 12) {
          await call('GET /tasks/:id', 200, 'GET', `/api/tasks/${mine[step % mine.length]}`, { token });
        } else if (roll < 14) {
          await call('PATCH /tasks/:id', 200, 'PATCH', `/api/tasks/${mine[step % mine.length]}`, { token, body: { completed: step % 2 === 0 } });
        } else if (roll < 15) {
          const id = mine.pop()!;
          if (await call('DELETE /tasks/:id', 204, 'DELETE', `/api/tasks/${id}`, { token })) {
            stats.deleted.set(user.id, (stats.deleted.get(user.id) ?? 0) + 1);
          }
        } else if (roll < 17) {
          await call('GET /stats', 200, 'GET', '/api/stats', { token });
        } else if (roll < 19) {
          await call('GET /auth/me', 200, 'GET', '/api/auth/me', { token });
        } else {
          const res = await call('POST /auth/refresh', 200, 'POST', '/api/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
          if (res) tokens = res.body;
        }
      }
    }

    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => virtualUser(i)));
    const elapsed = (Date.now() - started) / 1000;

    const sorted = [...stats.latencies].sort((a, b) => a - b);
    const summary = {
      seconds: Math.round(elapsed),
      requests: stats.requests,
      rps: Math.round(stats.requests / elapsed),
      errors: stats.errors,
      p50ms: Math.round(percentile(sorted, 50)),
      p95ms: Math.round(percentile(sorted, 95)),
      p99ms: Math.round(percentile(sorted, 99)),
      byInstance: stats.byInstance,
      byRoute: stats.byRoute,
    };
    console.log(`cluster load: ${JSON.stringify(summary)}`);

    expect(stats.errorSamples).toEqual([]);
    expect(stats.errors).toBe(0);
    // The load was real and really spread over both instances.
    expect(stats.requests).toBeGreaterThan(CONCURRENCY * 20);
    expect(Math.min(...stats.byInstance)).toBeGreaterThan(stats.requests * 0.45);
    for (const route of ['POST /tasks', 'GET /tasks', 'GET /tasks/:id', 'PATCH /tasks/:id', 'DELETE /tasks/:id', 'GET /stats', 'GET /auth/me', 'POST /auth/refresh']) {
      expect({ route, exercised: (stats.byRoute[route] ?? 0) > 0 }).toEqual({ route, exercised: true });
    }

    // 0 lost writes: rows per user = acknowledged creates − acknowledged deletes.
    const rows = await dbQuery<{ user_id: string; n: number }>(deployment.db.url, 'SELECT user_id, count(*)::int AS n FROM tasks GROUP BY user_id');
    const actual = Object.fromEntries(rows.map((r) => [r.user_id, r.n]));
    const expected = Object.fromEntries(users.map((u) => [u.id, (stats.created.get(u.id) ?? 0) - (stats.deleted.get(u.id) ?? 0)]));
    expect(actual).toEqual(expected);
    const totalCreated = [...stats.created.values()].reduce((a, b) => a + b, 0);
    expect(totalCreated).toBeGreaterThan(0);

    // Every session survived its rotations across instances: none was revoked as a "reuse".
    const revoked = await dbQuery(deployment.db.url, 'SELECT count(*)::int AS n FROM sessions WHERE revoked_at IS NOT NULL');
    expect(revoked[0].n).toBe(0);
  },
  DURATION_MS + 60_000,
);

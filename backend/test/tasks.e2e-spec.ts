import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { ListTasksQuery, TASK_SORTS, type TaskSort } from '../src/tasks/dto/task.dto.js';
import { taskPageStatement } from '../src/tasks/tasks.service.js';
import { createTestApp, type SignedInUser, type TestApp } from './kit/index.js';

/** Tasks (`/api/tasks`) and `GET /api/stats` as API.md describes them. */

const DAY_MS = 86_400_000;

function expectProblem(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
}

/** A 422 whose `errors` name `field`. */
function expectFieldError(res: Response, field: string): void {
  expectProblem(res, 422);
  expect(Array.isArray(res.body.errors)).toBe(true);
  for (const e of res.body.errors) expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function titles(res: Response): string[] {
  return res.body.tasks.map((task: { title: string }) => task.title);
}

describe('Tasks API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('without a token', () => {
    const someId = randomUUID();
    const routes: [string, (agent: ReturnType<TestApp['http']>) => Promise<Response>][] = [
      ['GET /api/tasks', (a) => a.get('/api/tasks')],
      ['POST /api/tasks', (a) => a.post('/api/tasks').send({ title: 'x' })],
      ['GET /api/tasks/:id', (a) => a.get(`/api/tasks/${someId}`)],
      ['PATCH /api/tasks/:id', (a) => a.patch(`/api/tasks/${someId}`).send({ title: 'x' })],
      ['DELETE /api/tasks/:id', (a) => a.delete(`/api/tasks/${someId}`)],
      ['GET /api/stats', (a) => a.get('/api/stats')],
    ];

    it.each(routes)('%s is 401 with WWW-Authenticate: Bearer and a problem body', async (_name, call) => {
      const res = await call(t.http());
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each(routes)('%s is 401 with a forged bearer token', async (_name, call) => {
      const res = await call(t.http().set('Authorization', 'Bearer not.a.jwt'));
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('an unauthenticated POST creates nothing', async () => {
      const title = `sneaky ${randomUUID()}`;
      await t.http().post('/api/tasks').send({ title }).expect(401);
      await t.http().post('/api/tasks').set('Authorization', 'Bearer not.a.jwt').send({ title }).expect(401);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM tasks WHERE title = $1', [title]);
      expect(count).toBe(0);
    });
  });

  describe('POST /api/tasks', () => {
    let user: SignedInUser;
    beforeAll(async () => {
      user = await t.signUp();
    });

    it('creates a task with the defaults: priority medium, not completed, no description or due date', async () => {
      const before = Date.now();
      const res = await user.agent.post('/api/tasks').send({ title: 'Write the report' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        title: 'Write the report',
        description: null,
        completed: false,
        priority: 'medium',
        dueDate: null,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
      expect(Date.parse(res.body.createdAt)).toBeGreaterThanOrEqual(before - 5_000);
      expect(Date.parse(res.body.createdAt)).toBeLessThanOrEqual(Date.now() + 5_000);
      const fetched = await user.agent.get(`/api/tasks/${res.body.id}`).expect(200);
      expect(fetched.body).toEqual(res.body);
    });

    it('stores every field it is given', async () => {
      const res = await user.agent
        .post('/api/tasks')
        .send({ title: 'Plan', description: 'All the details', completed: true, priority: 'high', dueDate: '2024-02-29' })
        .expect(201);
      expect(res.body).toMatchObject({ title: 'Plan', description: 'All the details', completed: true, priority: 'high', dueDate: '2024-02-29' });
      const fetched = await user.agent.get(`/api/tasks/${res.body.id}`).expect(200);
      expect(fetched.body).toMatchObject({ description: 'All the details', completed: true, priority: 'high', dueDate: '2024-02-29' });
    });

    it('accepts explicit nulls for description and dueDate', async () => {
      const res = await user.agent.post('/api/tasks').send({ title: 'Nulls', description: null, dueDate: null }).expect(201);
      expect(res.body).toMatchObject({ description: null, dueDate: null });
    });

    it('drops the spaces around a title, and refuses one that is nothing but spaces, on create and on update', async () => {
      const res = await user.agent.post('/api/tasks').send({ title: '  Call the bank \n' }).expect(201);
      expect(res.body.title).toBe('Call the bank');
      for (const refused of [await user.agent.post('/api/tasks').send({ title: ' \t ' }), await user.agent.patch(`/api/tasks/${res.body.id}`).send({ title: '   ' })]) {
        expect(refused.status).toBe(422);
        expect(refused.body.errors).toEqual([{ field: 'title', message: 'title must not be empty' }]);
      }
      expect((await user.agent.patch(`/api/tasks/${res.body.id}`).send({ title: ' Call the bank again ' }).expect(200)).body.title).toBe('Call the bank again');
    });

    it('accepts a 200-character title and a 2000-character description (the limits)', async () => {
      const res = await user.agent.post('/api/tasks').send({ title: 'a'.repeat(200), description: 'd'.repeat(2000) }).expect(201);
      expect(res.body.title).toHaveLength(200);
      expect(res.body.description).toHaveLength(2000);
    });

    it('counts the limits in characters as PostgreSQL does: 100 "❤️" and 1000 "🔐" fit, stored as sent', async () => {
      const title = '❤️'.repeat(100); // 200 code points
      const description = '🔐'.repeat(2000); // 2000 code points, 4000 UTF-16 units
      const res = await user.agent.post('/api/tasks').send({ title, description }).expect(201);
      expect((await user.agent.get(`/api/tasks/${res.body.id}`).expect(200)).body).toMatchObject({ title, description });
    });

    it.each([
      ['a missing title', {}, 'title'],
      ['an empty title', { title: '' }, 'title'],
      ['a 201-character title', { title: 'a'.repeat(201) }, 'title'],
      ['a null title', { title: null }, 'title'],
      ['a numeric title', { title: 123 }, 'title'],
      ['a 2001-character description', { title: 'ok', description: 'd'.repeat(2001) }, 'description'],
      // "❤️" is two characters to PostgreSQL (U+2764 U+FE0F); class-validator's @MaxLength counted one.
      ['a title of 101 "❤️" (202 characters)', { title: '❤️'.repeat(101) }, 'title'],
      ['a description of 1001 "❤️" (2002 characters)', { title: 'ok', description: '❤️'.repeat(1001) }, 'description'],
      ['a numeric description', { title: 'ok', description: 5 }, 'description'],
      ['a null completed', { title: 'ok', completed: null }, 'completed'],
      ['a null priority', { title: 'ok', priority: null }, 'priority'],
      ['a NUL character in the title', { title: 'a\u0000b' }, 'title'],
      ['a NUL character in the description', { title: 'ok', description: 'a\u0000b' }, 'description'],
      ['a lone surrogate in the title (stored as U+FFFD otherwise)', { title: 'a\ud800b' }, 'title'],
      ['an unknown priority', { title: 'ok', priority: 'urgent' }, 'priority'],
      ['an upper-case priority', { title: 'ok', priority: 'HIGH' }, 'priority'],
      ['a numeric priority', { title: 'ok', priority: 2 }, 'priority'],
      ['a string "true" for completed', { title: 'ok', completed: 'true' }, 'completed'],
      ['a number for completed', { title: 'ok', completed: 1 }, 'completed'],
      ['an impossible dueDate 2025-02-30', { title: 'ok', dueDate: '2025-02-30' }, 'dueDate'],
      ['a dueDate 2025-02-29 (not a leap year)', { title: 'ok', dueDate: '2025-02-29' }, 'dueDate'],
      ['a dueDate in month 13', { title: 'ok', dueDate: '2025-13-01' }, 'dueDate'],
      ['a dueDate written DD/MM/YYYY', { title: 'ok', dueDate: '01/02/2025' }, 'dueDate'],
      ['a dueDate without zero padding', { title: 'ok', dueDate: '2025-1-5' }, 'dueDate'],
      ['a dueDate with a time', { title: 'ok', dueDate: '2025-02-28T00:00:00Z' }, 'dueDate'],
      ['a numeric dueDate', { title: 'ok', dueDate: 20250101 }, 'dueDate'],
      ['a dueDate in year 0000 (no such calendar year)', { title: 'ok', dueDate: '0000-01-01' }, 'dueDate'],
    ])('refuses %s with 422 and a field error, creating nothing', async (_case, body, field) => {
      const probe = await t.signUp();
      const res = await probe.agent.post('/api/tasks').send(body);
      expectFieldError(res, field);
      const list = await probe.agent.get('/api/tasks').expect(200);
      expect(list.body.total).toBe(0);
    });

    it('refuses a description nested 20 000 arrays deep (a 40 KB body) with 422, never a stack overflow', async () => {
      const probe = await t.signUp();
      const body = `{"title":"ok","description":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      const res = await probe.agent.post('/api/tasks').set('Content-Type', 'application/json').send(body);
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([{ field: expect.stringMatching(/^description(\.0)+$/), message: 'Values may not nest more than 32 levels deep.' }]);
      expect((await probe.agent.get('/api/tasks').expect(200)).body.total).toBe(0);
    });

    it('reports every invalid field at once', async () => {
      const res = await user.agent.post('/api/tasks').send({ title: '', priority: 'urgent', dueDate: '2025-02-30' });
      expectProblem(res, 422);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['title', 'priority', 'dueDate']));
    });

    it.each([
      ['id', randomUUID()],
      ['userId', randomUUID()],
      ['createdAt', '2000-01-01T00:00:00.000Z'],
      ['updatedAt', '2000-01-01T00:00:00.000Z'],
      ['ownerId', randomUUID()],
    ])('refuses the unknown/server-owned field %s with 422 and creates nothing (mass assignment)', async (field, value) => {
      const probe = await t.signUp();
      const victim = await t.signUp();
      const body: Record<string, unknown> = { title: 'Mass assignment', [field]: field === 'userId' || field === 'ownerId' ? victim.id : value };
      const res = await probe.agent.post('/api/tasks').send(body);
      expectFieldError(res, field);
      expect((await probe.agent.get('/api/tasks').expect(200)).body.total).toBe(0);
      expect((await victim.agent.get('/api/tasks').expect(200)).body.total).toBe(0);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM tasks WHERE user_id = ANY($1::uuid[])', [[probe.id, victim.id]]);
      expect(count).toBe(0);
    });

    it('accepts the extreme calendar dates 0001-01-01 and 9999-12-31', async () => {
      for (const dueDate of ['0001-01-01', '9999-12-31']) {
        const res = await user.agent.post('/api/tasks').send({ title: 'Extreme', dueDate }).expect(201);
        expect(res.body.dueDate).toBe(dueDate);
      }
    });

    it.each([
      ['a form', 'application/x-www-form-urlencoded', 'title=Form'],
      ['plain text', 'text/plain', 'title'],
    ])('refuses %s body with 415 and creates nothing', async (_case, type, body) => {
      const probe = await t.signUp();
      expectProblem(await probe.agent.post('/api/tasks').set('Content-Type', type).send(body), 415);
      expect((await probe.agent.get('/api/tasks').expect(200)).body.total).toBe(0);
    });

    it('refuses a malformed JSON body with 400', async () => {
      const res = await user.agent.post('/api/tasks').set('Content-Type', 'application/json').send('{"title": ');
      expectProblem(res, 400);
    });
  });

  describe('GET, PATCH and DELETE /api/tasks/:id', () => {
    let owner: SignedInUser;
    let intruder: SignedInUser;
    beforeAll(async () => {
      owner = await t.signUp();
      intruder = await t.signUp();
    });

    it('GET returns the task', async () => {
      const task = await t.createTask(owner, { title: 'Read', description: 'A book', priority: 'low', dueDate: '2030-01-15' });
      const res = await owner.agent.get(`/api/tasks/${task.id}`).expect(200);
      expect(res.body).toEqual(task);
    });

    it('PATCH with a subset changes only that subset', async () => {
      const task = await t.createTask(owner, { title: 'Original', description: 'Keep me', priority: 'high', dueDate: '2030-06-01' });
      const res = await owner.agent.patch(`/api/tasks/${task.id}`).send({ completed: true }).expect(200);
      expect(res.body).toEqual({ ...task, completed: true, updatedAt: expect.any(String) });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));

      const renamed = await owner.agent.patch(`/api/tasks/${task.id}`).send({ title: 'Renamed', priority: 'low' }).expect(200);
      expect(renamed.body).toEqual({ ...task, completed: true, title: 'Renamed', priority: 'low', updatedAt: expect.any(String) });

      const stored = await owner.agent.get(`/api/tasks/${task.id}`).expect(200);
      expect(stored.body).toEqual(renamed.body);
    });

    it('PATCH with an empty body changes nothing', async () => {
      const task = await t.createTask(owner, { title: 'Stable', description: 'Same', priority: 'low' });
      const res = await owner.agent.patch(`/api/tasks/${task.id}`).send({}).expect(200);
      expect(res.body).toEqual(task);
      expect((await owner.agent.get(`/api/tasks/${task.id}`).expect(200)).body).toEqual(task);
    });

    it('PATCH may clear description and dueDate with null', async () => {
      const task = await t.createTask(owner, { title: 'Clear me', description: 'Something', dueDate: '2031-03-03' });
      const res = await owner.agent.patch(`/api/tasks/${task.id}`).send({ description: null, dueDate: null }).expect(200);
      expect(res.body).toMatchObject({ title: 'Clear me', description: null, dueDate: null });
      expect((await owner.agent.get(`/api/tasks/${task.id}`).expect(200)).body).toMatchObject({ description: null, dueDate: null });
    });

    it.each([
      ['a null title', { title: null }, 'title'],
      ['an empty title', { title: '' }, 'title'],
      ['a 201-character title', { title: 'a'.repeat(201) }, 'title'],
      ['a title of 101 "❤️" (202 characters)', { title: '❤️'.repeat(101) }, 'title'],
      ['a null completed', { completed: null }, 'completed'],
      ['a null priority', { priority: null }, 'priority'],
      ['an unknown priority', { priority: 'urgent' }, 'priority'],
      ['a 2001-character description', { description: 'd'.repeat(2001) }, 'description'],
      ['an impossible dueDate', { dueDate: '2025-02-30' }, 'dueDate'],
      ['a dueDate in year 0000', { dueDate: '0000-01-01' }, 'dueDate'],
      ['a NUL character in the title', { title: 'a\u0000b' }, 'title'],
      ['a server-owned userId', { userId: randomUUID() }, 'userId'],
      ['a server-owned id', { id: randomUUID() }, 'id'],
      ['a server-owned createdAt', { createdAt: '2000-01-01T00:00:00.000Z' }, 'createdAt'],
    ])('PATCH refuses %s with 422 and leaves the task unchanged', async (_case, body, field) => {
      const task = await t.createTask(owner, { title: 'Untouched', description: 'Still here', priority: 'high', dueDate: '2030-01-01' });
      const res = await owner.agent.patch(`/api/tasks/${task.id}`).send(body);
      expectFieldError(res, field);
      expect((await owner.agent.get(`/api/tasks/${task.id}`).expect(200)).body).toEqual(task);
    });

    it('PATCH cannot hand a task to another user', async () => {
      const task = await t.createTask(owner, { title: 'Mine' });
      const res = await owner.agent.patch(`/api/tasks/${task.id}`).send({ userId: intruder.id, title: 'Theirs' });
      expectProblem(res, 422);
      await intruder.agent.get(`/api/tasks/${task.id}`).expect(404);
      expect((await owner.agent.get(`/api/tasks/${task.id}`).expect(200)).body.title).toBe('Mine');
    });

    it('PATCH waits for a write committing on the same task and applies over it: both changes stay, and the answer is the stored row', async () => {
      const task = await t.createTask(owner, { title: 'Before' });
      const elsewhere = t.db.createQueryRunner();
      await elsewhere.connect();
      try {
        await elsewhere.startTransaction();
        await elsewhere.query(`UPDATE tasks SET title = 'Renamed elsewhere' WHERE id = $1`, [task.id]);
        const patch = owner.agent.patch(`/api/tasks/${task.id}`).send({ completed: true }).then((res) => res);
        await t.untilALockIsAwaited(); // the PATCH now waits for the row
        await elsewhere.commitTransaction();
        const res = await patch;
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ title: 'Renamed elsewhere', completed: true });
      } finally {
        await elsewhere.release();
      }
      expect((await owner.agent.get(`/api/tasks/${task.id}`).expect(200)).body).toMatchObject({ title: 'Renamed elsewhere', completed: true });
    });

    it('DELETE removes the task: 204, then 404', async () => {
      const task = await t.createTask(owner);
      const res = await owner.agent.delete(`/api/tasks/${task.id}`).expect(204);
      expect(res.text).toBe('');
      expectProblem(await owner.agent.get(`/api/tasks/${task.id}`), 404);
      expectProblem(await owner.agent.delete(`/api/tasks/${task.id}`), 404);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM tasks WHERE id = $1', [task.id]);
      expect(count).toBe(0);
    });

    describe.each([
      ['an unknown id', () => randomUUID()],
      ['a non-UUID id', () => 'not-a-uuid'],
      ['a numeric id', () => '12345'],
      ['a NUL character in the id', () => '%00'],
    ])('with %s', (_case, makeId) => {
      it('GET, PATCH and DELETE are 404 problems', async () => {
        const id = makeId();
        expectProblem(await owner.agent.get(`/api/tasks/${id}`), 404);
        expectProblem(await owner.agent.patch(`/api/tasks/${id}`).send({ title: 'x' }), 404);
        expectProblem(await owner.agent.delete(`/api/tasks/${id}`), 404);
      });
    });

    describe("another user's task", () => {
      it('is 404 on GET, PATCH and DELETE, exactly like a missing one', async () => {
        const task = await t.createTask(owner, { title: 'Private', description: 'Secret plans', priority: 'low', dueDate: '2030-05-05' });
        const get = await intruder.agent.get(`/api/tasks/${task.id}`);
        expectProblem(get, 404);
        const missing = await intruder.agent.get(`/api/tasks/${randomUUID()}`);
        expect(get.body.detail).toBe(missing.body.detail);
        expect(get.body.title).toBe(missing.body.title);
        expect(JSON.stringify(get.body)).not.toContain('Secret plans');

        expectProblem(await intruder.agent.patch(`/api/tasks/${task.id}`).send({ title: 'Hijacked', completed: true }), 404);
        expectProblem(await intruder.agent.delete(`/api/tasks/${task.id}`), 404);

        const after = await owner.agent.get(`/api/tasks/${task.id}`).expect(200);
        expect(after.body).toEqual(task);
      });

      it('never appears in the other user’s list, search or stats', async () => {
        const marker = `zz${randomUUID().slice(0, 8)}`;
        await t.createTask(owner, { title: `Owner ${marker}`, dueDate: '2000-01-01' });
        const stranger = await t.signUp();
        const list = await stranger.agent.get('/api/tasks').query({ q: marker }).expect(200);
        expect(list.body).toEqual({ tasks: [], total: 0, limit: 20, offset: 0 });
        const stats = await stranger.agent.get('/api/stats').expect(200);
        expect(stats.body).toEqual({ total: 0, completed: 0, pending: 0, overdue: 0 });
      });
    });
  });

  describe('GET /api/tasks', () => {
    describe('pagination', () => {
      let user: SignedInUser;
      const created: string[] = [];
      beforeAll(async () => {
        user = await t.signUp();
        for (let i = 1; i <= 5; i++) created.push((await t.createTask(user, { title: `Page task ${i}` })).id);
      });

      it('defaults to limit 20, offset 0 and reports the total', async () => {
        const res = await user.agent.get('/api/tasks').expect(200);
        expect(res.body.limit).toBe(20);
        expect(res.body.offset).toBe(0);
        expect(res.body.total).toBe(5);
        expect(res.body.tasks).toHaveLength(5);
      });

      it('pages with limit and offset, total counting every match', async () => {
        const pages = [];
        for (const offset of [0, 2, 4]) {
          const res = await user.agent.get('/api/tasks').query({ limit: 2, offset }).expect(200);
          expect(res.body).toMatchObject({ total: 5, limit: 2, offset });
          pages.push(res.body.tasks.map((task: { id: string }) => task.id));
        }
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(pages.flat().sort()).toEqual([...created].sort());
      });

      it('an offset past the end gives no tasks but still the total', async () => {
        const res = await user.agent.get('/api/tasks').query({ limit: 2, offset: 10 }).expect(200);
        expect(res.body).toEqual({ tasks: [], total: 5, limit: 2, offset: 10 });
      });

      it('accepts limit 1 and limit 100', async () => {
        expect((await user.agent.get('/api/tasks').query({ limit: 1 }).expect(200)).body.tasks).toHaveLength(1);
        expect((await user.agent.get('/api/tasks').query({ limit: 100 }).expect(200)).body.tasks).toHaveLength(5);
      });

      it.each([
        ['limit=0', { limit: '0' }, 'limit'],
        ['limit=101', { limit: '101' }, 'limit'],
        ['limit=abc', { limit: 'abc' }, 'limit'],
        ['limit=-1', { limit: '-1' }, 'limit'],
        ['limit=1.5', { limit: '1.5' }, 'limit'],
        ['limit=1e1 (only decimal digits are an integer here)', { limit: '1e1' }, 'limit'],
        ['limit=0x10', { limit: '0x10' }, 'limit'],
        ['limit=" 5"', { limit: ' 5' }, 'limit'],
        ['offset=-1', { offset: '-1' }, 'offset'],
        ['offset=abc', { offset: 'abc' }, 'offset'],
        ['offset=1e20 (beyond any row count)', { offset: '99999999999999999999' }, 'offset'],
        ['q with a NUL character', { q: 'a\u0000b' }, 'q'],
      ])('refuses %s with 422', async (_case, query, field) => {
        expectFieldError(await user.agent.get('/api/tasks').query(query), field);
      });

      it('says what a page parameter must be, once, and nothing untrue', async () => {
        for (const [query, message] of [
          [{ limit: 'abc' }, 'limit must be an integer from 1 to 100'],
          [{ limit: '101' }, 'limit must be an integer from 1 to 100'],
          [{ offset: '-1' }, 'offset must be an integer of at least 0'],
        ] as const) {
          const res = await user.agent.get('/api/tasks').query(query).expect(422);
          expect(res.body.errors).toEqual([{ field: Object.keys(query)[0], message }]);
        }
      });
    });

    describe('filters and search', () => {
      let user: SignedInUser;
      beforeAll(async () => {
        user = await t.signUp();
        await t.createTask(user, { title: 'Buy MILK', priority: 'low' });
        await t.createTask(user, { title: 'Groceries', description: 'remember the Milk and eggs', completed: true, priority: 'high' });
        await t.createTask(user, { title: '100% done', priority: 'medium', completed: true });
        await t.createTask(user, { title: '1000 done', priority: 'medium' });
        await t.createTask(user, { title: 'snake_case name', priority: 'high' });
        await t.createTask(user, { title: 'snakeXcase name', priority: 'low' });
        await t.createTask(user, { title: 'Back\\slash', priority: 'low' });
      });

      it('completed=true and completed=false split the tasks', async () => {
        const done = await user.agent.get('/api/tasks').query({ completed: 'true' }).expect(200);
        expect(done.body.total).toBe(2);
        expect(done.body.tasks.every((task: { completed: boolean }) => task.completed)).toBe(true);
        expect(titles(done).sort()).toEqual(['100% done', 'Groceries']);
        const open = await user.agent.get('/api/tasks').query({ completed: 'false' }).expect(200);
        expect(open.body.total).toBe(5);
        expect(open.body.tasks.every((task: { completed: boolean }) => !task.completed)).toBe(true);
      });

      it.each(['maybe', '1', 'yes', 'TRUE', ''])('completed=%s is 422', async (value) => {
        expectFieldError(await user.agent.get('/api/tasks').query({ completed: value }), 'completed');
      });

      it('priority filters by priority', async () => {
        const high = await user.agent.get('/api/tasks').query({ priority: 'high' }).expect(200);
        expect(high.body.total).toBe(2);
        expect(titles(high).sort()).toEqual(['Groceries', 'snake_case name']);
        const low = await user.agent.get('/api/tasks').query({ priority: 'low' }).expect(200);
        expect(low.body.total).toBe(3);
        expect(low.body.tasks.every((task: { priority: string }) => task.priority === 'low')).toBe(true);
      });

      it('priority=urgent is 422', async () => {
        expectFieldError(await user.agent.get('/api/tasks').query({ priority: 'urgent' }), 'priority');
      });

      it('q is a case-insensitive substring of the title or the description', async () => {
        const res = await user.agent.get('/api/tasks').query({ q: 'milk' }).expect(200);
        expect(res.body.total).toBe(2);
        expect(titles(res).sort()).toEqual(['Buy MILK', 'Groceries']);
        const upper = await user.agent.get('/api/tasks').query({ q: 'EGGS' }).expect(200);
        expect(titles(upper)).toEqual(['Groceries']);
        const middle = await user.agent.get('/api/tasks').query({ q: 'rocer' }).expect(200);
        expect(titles(middle)).toEqual(['Groceries']);
        const none = await user.agent.get('/api/tasks').query({ q: 'nothing-like-this' }).expect(200);
        expect(none.body).toEqual({ tasks: [], total: 0, limit: 20, offset: 0 });
      });

      it('q treats % and _ literally, not as wildcards', async () => {
        const percent = await user.agent.get('/api/tasks').query({ q: '100%' }).expect(200);
        expect(titles(percent)).toEqual(['100% done']);
        const underscore = await user.agent.get('/api/tasks').query({ q: 'e_c' }).expect(200);
        expect(titles(underscore)).toEqual(['snake_case name']);
        const onlyPercent = await user.agent.get('/api/tasks').query({ q: '%' }).expect(200);
        expect(titles(onlyPercent)).toEqual(['100% done']);
        const onlyUnderscore = await user.agent.get('/api/tasks').query({ q: '_' }).expect(200);
        expect(titles(onlyUnderscore)).toEqual(['snake_case name']);
        const backslash = await user.agent.get('/api/tasks').query({ q: 'k\\s' }).expect(200);
        expect(titles(backslash)).toEqual(['Back\\slash']);
      });

      it('filters combine, and the total counts the combined matches', async () => {
        const res = await user.agent.get('/api/tasks').query({ q: 'name', priority: 'low', completed: 'false', limit: 1 }).expect(200);
        expect(res.body.total).toBe(1);
        expect(titles(res)).toEqual(['snakeXcase name']);
        const doneMilk = await user.agent.get('/api/tasks').query({ q: 'milk', completed: 'true' }).expect(200);
        expect(titles(doneMilk)).toEqual(['Groceries']);
      });
    });

    describe('sorting', () => {
      let user: SignedInUser;
      beforeAll(async () => {
        user = await t.signUp();
        // Created in this order; titles chosen so that no other sort happens to give the same order, and
        // capitalised so that byte order (capitals first) differs from the alphabetical one.
        await t.createTask(user, { title: 'Delta', priority: 'medium', dueDate: '2030-03-01' });
        await t.createTask(user, { title: 'alpha', priority: 'high', dueDate: null });
        await t.createTask(user, { title: 'echo', priority: 'low', dueDate: '2030-01-01' });
        await t.createTask(user, { title: 'charlie', priority: 'high', dueDate: '2030-02-01' });
        await t.createTask(user, { title: 'Bravo', priority: 'low', dueDate: null });
      });

      async function sorted(sort?: string): Promise<Response> {
        return user.agent.get('/api/tasks').query(sort === undefined ? {} : { sort }).expect(200);
      }

      it('defaults to -createdAt: newest first', async () => {
        const res = await sorted();
        expect(titles(res)).toEqual(['Bravo', 'charlie', 'echo', 'alpha', 'Delta']);
        const stamps = res.body.tasks.map((task: { createdAt: string }) => Date.parse(task.createdAt));
        expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
        expect(titles(await sorted('-createdAt'))).toEqual(['Bravo', 'charlie', 'echo', 'alpha', 'Delta']);
      });

      it('createdAt: oldest first', async () => {
        expect(titles(await sorted('createdAt'))).toEqual(['Delta', 'alpha', 'echo', 'charlie', 'Bravo']);
      });

      it('priority sorts by rank low < medium < high, not alphabetically', async () => {
        const asc = (await sorted('priority')).body.tasks.map((task: { priority: string }) => task.priority);
        expect(asc).toEqual(['low', 'low', 'medium', 'high', 'high']);
        const desc = (await sorted('-priority')).body.tasks.map((task: { priority: string }) => task.priority);
        expect(desc).toEqual(['high', 'high', 'medium', 'low', 'low']);
      });

      it('dueDate ascending puts tasks without a due date last', async () => {
        const res = await sorted('dueDate');
        expect(res.body.tasks.map((task: { dueDate: string | null }) => task.dueDate)).toEqual(['2030-01-01', '2030-02-01', '2030-03-01', null, null]);
        expect(titles(res).slice(0, 3)).toEqual(['echo', 'charlie', 'Delta']);
      });

      it('dueDate descending also puts tasks without a due date last', async () => {
        const res = await sorted('-dueDate');
        expect(res.body.tasks.map((task: { dueDate: string | null }) => task.dueDate)).toEqual(['2030-03-01', '2030-02-01', '2030-01-01', null, null]);
        expect(titles(res).slice(0, 3)).toEqual(['Delta', 'charlie', 'echo']);
      });

      it('title sorts alphabetically ignoring case, both ways', async () => {
        expect(titles(await sorted('title'))).toEqual(['alpha', 'Bravo', 'charlie', 'Delta', 'echo']);
        expect(titles(await sorted('-title'))).toEqual(['echo', 'Delta', 'charlie', 'Bravo', 'alpha']);
      });

      it('a sort applies before pagination', async () => {
        const first = await user.agent.get('/api/tasks').query({ sort: 'title', limit: 2 }).expect(200);
        const second = await user.agent.get('/api/tasks').query({ sort: 'title', limit: 2, offset: 2 }).expect(200);
        expect([...titles(first), ...titles(second)]).toEqual(['alpha', 'Bravo', 'charlie', 'Delta']);
      });

      // Planned with scans and sorts priced out, so that on five rows the plan shows what could
      // serve the statement rather than what is cheapest for five.
      async function planOf(sort: TaskSort): Promise<string> {
        const statement = taskPageStatement(user.id, Object.assign(new ListTasksQuery(), { limit: 20, offset: 0, sort }));
        return t.db.transaction(async (em) => {
          await em.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off');
          const [{ 'QUERY PLAN': plan }] = await em.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
          return JSON.stringify(plan);
        });
      }

      it.each(TASK_SORTS.filter((sort) => sort !== '-dueDate'))('sort=%s reads the owner’s rows from an index in that order, no sort step', async (sort) => {
        const plan = await planOf(sort);
        expect(plan).toMatch(/"Index Name":"tasks_user_\w+_idx"/);
        expect(plan).not.toMatch(/"Node Type":"(Sort|Incremental Sort)"/);
      });

      it('sort=-dueDate still reads through an index, then sorts: its nulls-last runs against the index’s order', async () => {
        const plan = await planOf('-dueDate');
        expect(plan).toMatch(/"Index Name":"tasks_user_\w+_idx"/);
        expect(plan).toMatch(/"Node Type":"Sort"/);
      });

      it.each(['name', 'due_date', '+title', 'title,priority', 'createdAt DESC', ''])('sort=%s is 422', async (sort) => {
        expectFieldError(await user.agent.get('/api/tasks').query({ sort }), 'sort');
      });
    });
  });

  describe('GET /api/stats', () => {
    afterEach(() => t.clock.reset());

    /** Moves the app's clock to the coming noon UTC, so "today" cannot roll over mid-test. */
    function pinClockToNoon(): string {
      const now = t.clock.now().getTime();
      let noon = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS / 2;
      if (noon < now) noon += DAY_MS;
      t.clock.advance(noon - now);
      return isoDate(noon);
    }

    it('is all zeros for a user without tasks', async () => {
      const user = await t.signUp();
      const res = await user.agent.get('/api/stats').expect(200);
      expect(res.body).toEqual({ total: 0, completed: 0, pending: 0, overdue: 0 });
    });

    it('counts total, completed, pending and overdue (not completed, due before today UTC)', async () => {
      // Pin the clock before signing up: access tokens expire by the same clock.
      const today = pinClockToNoon();
      const user = await t.signUp();
      const todayMs = Date.parse(`${today}T00:00:00Z`);
      await t.createTask(user, { title: 'long overdue', dueDate: '2000-01-01' });
      await t.createTask(user, { title: 'late but done', dueDate: '2000-01-01', completed: true });
      await t.createTask(user, { title: 'due today', dueDate: today });
      await t.createTask(user, { title: 'due tomorrow', dueDate: isoDate(todayMs + DAY_MS) });
      await t.createTask(user, { title: 'no due date' });
      await t.createTask(user, { title: 'far future, done', dueDate: '2999-12-31', completed: true });
      await t.createTask(user, { title: 'far future', dueDate: '2999-12-31', priority: 'high' });

      const res = await user.agent.get('/api/stats').expect(200);
      expect(res.body).toEqual({ total: 7, completed: 2, pending: 5, overdue: 1 });
    });

    it('a task due today becomes overdue when the day has passed', async () => {
      const today = pinClockToNoon();
      const user = await t.signUp();
      const todayMs = Date.parse(`${today}T00:00:00Z`);
      await t.createTask(user, { title: 'due today', dueDate: today });
      await t.createTask(user, { title: 'due tomorrow', dueDate: isoDate(todayMs + DAY_MS) });
      await t.createTask(user, { title: 'no due date' });

      expect((await user.agent.get('/api/stats').expect(200)).body.overdue).toBe(0);
      t.clock.advanceDays(1);
      // A day later the access token has long expired: sign in again (a new session).
      const tomorrow = await t.signIn(user);
      expect((await tomorrow.agent.get('/api/stats').expect(200)).body.overdue).toBe(1);
      t.clock.advanceDays(1);
      const dayAfter = await t.signIn(user);
      expect((await dayAfter.agent.get('/api/stats').expect(200)).body).toEqual({ total: 3, completed: 0, pending: 3, overdue: 2 });
    });

    it('follows changes: completing or deleting an overdue task takes it out of overdue', async () => {
      const user = await t.signUp();
      const a = await t.createTask(user, { dueDate: '2001-05-05' });
      const b = await t.createTask(user, { dueDate: '2002-06-06' });
      expect((await user.agent.get('/api/stats').expect(200)).body).toEqual({ total: 2, completed: 0, pending: 2, overdue: 2 });
      await user.agent.patch(`/api/tasks/${a.id}`).send({ completed: true }).expect(200);
      expect((await user.agent.get('/api/stats').expect(200)).body).toEqual({ total: 2, completed: 1, pending: 1, overdue: 1 });
      await user.agent.delete(`/api/tasks/${b.id}`).expect(204);
      expect((await user.agent.get('/api/stats').expect(200)).body).toEqual({ total: 1, completed: 1, pending: 0, overdue: 0 });
      await user.agent.patch(`/api/tasks/${a.id}`).send({ completed: false, dueDate: null }).expect(200);
      expect((await user.agent.get('/api/stats').expect(200)).body).toEqual({ total: 1, completed: 0, pending: 1, overdue: 0 });
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { TestApp } from './index.js';

export interface OwnedResourceSpec {
  /** The test app of the suite (created in its beforeAll). */
  app: () => TestApp;
  /** Collection path, e.g. `/api/projects`; items live at `${path}/:id`. */
  path: string;
  /** A valid create body. */
  valid: Record<string, unknown>;
  /** A valid PATCH body that changes something visible in the response. */
  update: Record<string, unknown>;
  /** A create body that must be refused with 422. */
  invalid: Record<string, unknown>;
  /** Name of the list array in `GET path` (e.g. `items`, `tasks`). */
  listKey: string;
  /** The resource's table: the concurrency case changes a row directly, in a transaction it holds open. */
  table: string;
}

/**
 * The behaviour every owned resource shares, as one reusable suite: authentication on every route,
 * CRUD on the caller's rows, validation, no mass assignment of ownership, and another user's row
 * indistinguishable from a missing one. A new module gets all of it with one call.
 */
export function describeOwnedResource(name: string, spec: OwnedResourceSpec): void {
  describe(`${name} (owned resource)`, () => {
    const item = (id: string) => `${spec.path}/${id}`;

    it('requires authentication on every route (401 problem with WWW-Authenticate)', async () => {
      const t = spec.app();
      const id = randomUUID();
      for (const res of [
        await t.http().get(spec.path),
        await t.http().post(spec.path).send(spec.valid),
        await t.http().get(item(id)),
        await t.http().patch(item(id)).send(spec.update),
        await t.http().delete(item(id)),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('creates, reads, lists, updates and deletes the caller’s rows', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      const created = await owner.agent.post(spec.path).send(spec.valid).expect(201);
      expect(created.body).toMatchObject(spec.valid);
      expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.body).not.toHaveProperty('userId');
      await owner.agent.get(item(created.body.id)).expect(200, created.body);
      const list = await owner.agent.get(spec.path).expect(200);
      expect(list.body.total).toBe(1);
      expect(list.body[spec.listKey].map((r: { id: string }) => r.id)).toEqual([created.body.id]);
      const updated = await owner.agent.patch(item(created.body.id)).send(spec.update).expect(200);
      expect(updated.body).toMatchObject(spec.update);
      await owner.agent.delete(item(created.body.id)).expect(204);
      await owner.agent.get(item(created.body.id)).expect(404);
    });

    it('refuses invalid bodies and unknown fields (an owner or id among them) with 422, creating nothing', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      const invalid = await owner.agent.post(spec.path).send(spec.invalid).expect(422);
      expect(invalid.body.errors.length).toBeGreaterThan(0);
      const victim = await t.signUp();
      for (const extra of [{ userId: victim.id }, { id: randomUUID() }, { ownerId: victim.id }]) {
        await owner.agent.post(spec.path).send({ ...spec.valid, ...extra }).expect(422);
      }
      expect((await owner.agent.get(spec.path).expect(200)).body.total).toBe(0);
      expect((await victim.agent.get(spec.path).expect(200)).body.total).toBe(0);
    });

    it('answers 404 for another user’s row on get, patch and delete, and leaves it unchanged', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      const stranger = await t.signUp();
      const created = await owner.agent.post(spec.path).send(spec.valid).expect(201);
      await stranger.agent.get(item(created.body.id)).expect(404);
      await stranger.agent.patch(item(created.body.id)).send(spec.update).expect(404);
      await stranger.agent.delete(item(created.body.id)).expect(404);
      expect((await stranger.agent.get(spec.path).expect(200)).body.total).toBe(0);
      await owner.agent.get(item(created.body.id)).expect(200, created.body);
    });

    it('answers 404 to a PATCH that raced a DELETE of the row, and brings nothing back', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      const created = await owner.agent.post(spec.path).send(spec.valid).expect(201);
      const deletion = t.db.createQueryRunner();
      await deletion.connect();
      try {
        await deletion.startTransaction();
        await deletion.query(`DELETE FROM "${spec.table}" WHERE id = $1`, [created.body.id]);
        const patch = owner.agent.patch(item(created.body.id)).send(spec.update).then((res) => res.status);
        await t.untilALockIsAwaited(); // the PATCH now waits for the row being deleted
        await deletion.commitTransaction();
        expect(await patch).toBe(404);
      } finally {
        await deletion.release();
      }
      await owner.agent.get(item(created.body.id)).expect(404);
      expect((await owner.agent.get(spec.path).expect(200)).body.total).toBe(0);
    });

    it('answers 401 to a create that raced the deletion of the owner’s account, and stores nothing', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      const deletion = t.db.createQueryRunner();
      await deletion.connect();
      try {
        await deletion.startTransaction();
        await deletion.query(`DELETE FROM users WHERE id = $1`, [owner.id]);
        const create = owner.agent.post(spec.path).send(spec.valid).then((res) => ({ status: res.status, challenge: res.headers['www-authenticate'] }));
        await t.untilALockIsAwaited(); // the insert's foreign-key check now waits for the account's row
        await deletion.commitTransaction();
        // What the next request would hear: the session went with the account (and a client refreshes, then signs out).
        expect(await create).toEqual({ status: 401, challenge: 'Bearer error="invalid_token"' });
      } finally {
        await deletion.release();
      }
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM "${spec.table}" WHERE user_id = $1`, [owner.id]);
      expect(n).toBe(0);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      const t = spec.app();
      const owner = await t.signUp();
      await owner.agent.get(item(randomUUID())).expect(404);
      await owner.agent.get(item('not-a-uuid')).expect(404);
      await owner.agent.delete(item(randomUUID())).expect(404);
    });
  });
}

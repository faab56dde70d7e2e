import type { DeepPartial, FindOptionsOrder, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { tokenRefused } from '../auth/guards/jwt-auth.guard.js';
import { FOREIGN_KEY_VIOLATION, failedWith } from '../database/postgres-errors.js';
import { deleteOwned, findOwned, ownedBy, type Owned } from './ownership.js';
import { notFound } from './problem.js';

export interface Page {
  limit: number;
  offset: number;
}

/**
 * CRUD for rows that belong to one user, with the ownership rule built in: every query is scoped to
 * the caller (`user_id = caller`), the owner is set from the caller and never from input, and another
 * user's row is a 404. Extend it for a new owned resource (see docs/extending.md) and add only what is
 * specific to it; a module built on it cannot forget the rule.
 */
export abstract class OwnedResourceService<T extends Owned> {
  /** Used in "<label> not found." */
  protected abstract readonly label: string;
  /** Default order of `list()`; must end in a unique column for stable pages. */
  protected readonly order: FindOptionsOrder<T> = { createdAt: 'DESC', id: 'DESC' } as unknown as FindOptionsOrder<T>;

  constructor(protected readonly repository: Repository<T>) {}

  async list(owner: AuthUser, page: Page): Promise<{ items: T[]; total: number }> {
    const [items, total] = await this.repository.findAndCount({ where: ownedBy<T>(owner), order: this.order, take: page.limit, skip: page.offset });
    return { items, total };
  }

  get(owner: AuthUser, id: string): Promise<T> {
    return findOwned(this.repository, owner, id, this.label);
  }

  /**
   * `fields` comes from a validated DTO; `id` and `userId` are overwritten, never taken from it.
   *
   * The caller's session was checked before the insert, not with it: an account deleted in between
   * (its sessions go with it) fails the insert's foreign key, which is the refusal the guard gives a
   * moment later, not a 500. Any other foreign key of a resource's own is left to fail as it did.
   */
  async create(owner: AuthUser, fields: DeepPartial<T>): Promise<T> {
    const entity = this.repository.create({ ...fields, id: undefined, userId: owner.id } as DeepPartial<T>);
    try {
      return await this.repository.save(entity);
    } catch (error) {
      if (failedWith(error, FOREIGN_KEY_VIOLATION)) {
        const [account] = (await this.repository.query(`SELECT 1 FROM users WHERE id = $1`, [owner.id])) as unknown[];
        if (!account) throw tokenRefused();
      }
      throw error;
    }
  }

  /**
   * Applies the defined (not undefined) fields of a validated DTO to the caller's row, read and
   * written under the row's lock. Without it a PATCH answered with (and could write back) the copy it
   * read before a concurrent write committed, and a PATCH that raced a DELETE answered 200 for a row
   * that no longer existed; now it waits, then applies over the committed row or answers 404.
   */
  update(owner: AuthUser, id: string, fields: Partial<T>): Promise<T> {
    return this.repository.manager.transaction(async (em) => {
      const rows = em.getRepository<T>(this.repository.target);
      const entity = await rows.findOne({ where: ownedBy<T>(owner, id), lock: { mode: 'for_no_key_update' } });
      if (!entity) throw notFound(`${this.label} not found.`);
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined && key !== 'id' && key !== 'userId') (entity as Record<string, unknown>)[key] = value;
      }
      return rows.save(entity);
    });
  }

  remove(owner: AuthUser, id: string): Promise<void> {
    return deleteOwned(this.repository, owner, id, this.label);
  }
}

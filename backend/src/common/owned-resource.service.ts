import type { DeepPartial, FindOptionsOrder, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { deleteOwned, findOwned, ownedBy, type Owned } from './ownership.js';

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

  /** `fields` comes from a validated DTO; `id` and `userId` are overwritten, never taken from it. */
  create(owner: AuthUser, fields: DeepPartial<T>): Promise<T> {
    const entity = this.repository.create({ ...fields, id: undefined, userId: owner.id } as DeepPartial<T>);
    return this.repository.save(entity);
  }

  /** Applies the defined (not undefined) fields of a validated DTO to the caller's row. */
  async update(owner: AuthUser, id: string, fields: Partial<T>): Promise<T> {
    const entity = await this.get(owner, id);
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && key !== 'id' && key !== 'userId') (entity as Record<string, unknown>)[key] = value;
    }
    return this.repository.save(entity);
  }

  remove(owner: AuthUser, id: string): Promise<void> {
    return deleteOwned(this.repository, owner, id, this.label);
  }
}

import type { FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { notFound } from './problem.js';

/** An entity that belongs to one user. */
export interface Owned extends ObjectLiteral {
  id: string;
  userId: string;
}

/**
 * The ownership rule in one place: every read and write of an owned row is scoped by
 * `user_id = caller`, and another user's row is indistinguishable from a missing one (404).
 */
export function ownedBy<T extends Owned>(owner: AuthUser, id?: string): FindOptionsWhere<T> {
  return (id === undefined ? { userId: owner.id } : { id, userId: owner.id }) as FindOptionsWhere<T>;
}

export async function findOwned<T extends Owned>(repo: Repository<T>, owner: AuthUser, id: string, label = 'Resource'): Promise<T> {
  const row = await repo.findOneBy(ownedBy<T>(owner, id));
  if (!row) throw notFound(`${label} not found.`);
  return row;
}

export async function deleteOwned<T extends Owned>(repo: Repository<T>, owner: AuthUser, id: string, label = 'Resource'): Promise<void> {
  const result = await repo.delete(ownedBy<T>(owner, id));
  if (!result.affected) throw notFound(`${label} not found.`);
}

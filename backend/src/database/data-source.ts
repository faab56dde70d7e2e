import type { DataSourceOptions } from 'typeorm';
import { AuthEvent } from '../audit/auth-event.entity.js';
import { PasswordResetToken } from '../auth/password-reset-token.entity.js';
import { RefreshToken } from '../sessions/refresh-token.entity.js';
import { Session } from '../sessions/session.entity.js';
import { Task } from '../tasks/task.entity.js';
import { User } from '../users/user.entity.js';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema.js';
import { UsersEmailPlainIndex1764000000001 } from './migrations/1764000000001-users-email-plain-index.js';
import { TasksTitleOrderIgnoresCase1764000000002 } from './migrations/1764000000002-tasks-title-order-ignores-case.js';
import { UsersEmailNfc1764000000003 } from './migrations/1764000000003-users-email-nfc.js';
import { UsersSearchTrigram1764000000004 } from './migrations/1764000000004-users-search-trigram.js';
import { EndedSessionsIndexes1764000000005 } from './migrations/1764000000005-ended-sessions-indexes.js';
// generate:resource imports (npm run generate:resource adds entity and migration imports above this line)

/** Explicit lists, not globs: globs break under ESM and bundling, and hide what is registered. */
export const ENTITIES = [
  User,
  Session,
  RefreshToken,
  Task,
  AuthEvent,
  PasswordResetToken,
  // generate:resource entities
];
export const MIGRATIONS = [
  InitialSchema1764000000000,
  UsersEmailPlainIndex1764000000001,
  TasksTitleOrderIgnoresCase1764000000002,
  UsersEmailNfc1764000000003,
  UsersSearchTrigram1764000000004,
  EndedSessionsIndexes1764000000005,
  // generate:resource migrations
];

export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    // An undefined or null in a `where` must never widen a query to every row.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    extra: {
      max: poolSize,
      // Fail fast when the database is unreachable instead of queueing requests forever.
      connectionTimeoutMillis: 3000,
      statement_timeout: 15_000,
    },
  };
}

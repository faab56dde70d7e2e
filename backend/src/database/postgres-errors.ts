import { QueryFailedError } from 'typeorm';

/** The SQLSTATEs the API answers as something other than a 500. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const DEADLOCK_DETECTED = '40P01';

/** Whether a statement failed because PostgreSQL refused it with `sqlstate`. */
export function failedWith(error: unknown, sqlstate: string): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === sqlstate;
}

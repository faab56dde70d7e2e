import { AsyncLocalStorage } from 'node:async_hooks';

/** The id of the request being handled, from its preHandler on (see configureApp). */
export const requestIds = new AsyncLocalStorage<string>();

/**
 * pino `mixin`: every line logged while a request is handled carries its `reqId`. Read at log time
 * instead of bound per request, because a pino child logger per request (nestjs-pino's
 * `runInContext` with bindings) cost ~6 % of the API's CPU on the task list — for lines that are
 * almost never written.
 */
export function requestIdMixin(): { reqId?: string } {
  const reqId = requestIds.getStore();
  return reqId === undefined ? {} : { reqId };
}

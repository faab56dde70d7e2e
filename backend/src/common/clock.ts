/**
 * The one source of "now" for every expiry decision (tokens, sessions, grace window, reset links),
 * so tests can move time instead of sleeping. Inject `Clock`; override it with a fake in tests.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

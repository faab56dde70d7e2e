import { Clock } from '../../src/common/clock.js';

/**
 * A clock that runs with real time but can be pushed forward: expiry tests (tokens, grace window,
 * reset links, sessions) move it instead of sleeping.
 */
export class FakeClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

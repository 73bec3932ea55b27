import type { Clock } from '@shared/clock';

export class TestClockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestClockError';
  }
}

/**
 * The local test clock (`TEST_CLOCK=1`): the system clock plus an offset that only grows, so
 * time still passes between two moves and never runs backwards. It lives in infra/local and is
 * installed with shared/clock.ts `useClock`; no Lambda bundle imports this module.
 */
export class TestClock {
  private offsetMs = 0;

  readonly now: Clock = () => new Date(Date.now() + this.offsetMs);

  /** Moves the clock to `to`: it must be later than the clock's now (400 otherwise). */
  moveTo(to: Date): Date {
    if (Number.isNaN(to.getTime())) throw new TestClockError('`now` must be an ISO 8601 date-time.');
    const current = this.now();
    if (to.getTime() <= current.getTime())
      throw new TestClockError(
        `The test clock only moves forward: ${to.toISOString()} is not after ${current.toISOString()}.`,
      );
    this.offsetMs = to.getTime() - Date.now();
    return this.now();
  }
}

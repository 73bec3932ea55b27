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

  /** `start`: where the clock begins (earlier than now to build a history, as `npm run demo` does). */
  constructor(start?: Date) {
    if (start === undefined) return;
    if (Number.isNaN(start.getTime())) throw new TestClockError('The test clock start must be a date-time.');
    this.offsetMs = start.getTime() - Date.now();
  }

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

/**
 * `TEST_CLOCK_START`: an ISO 8601 date-time, or `-<n>d` for n days before now (`-121d`).
 * Undefined when not set.
 */
export function parseTestClockStart(text: string | undefined, nowMs = Date.now()): Date | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const daysBack = /^-(\d+(?:\.\d+)?)d$/.exec(text.trim());
  const start = daysBack ? new Date(nowMs - Number(daysBack[1]) * 86_400_000) : new Date(text);
  if (Number.isNaN(start.getTime()))
    throw new TestClockError(`TEST_CLOCK_START must be an ISO 8601 date-time or -<days>d, not ${text}.`);
  return start;
}

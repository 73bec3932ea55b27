/**
 * Moves this process's clock, so a member can buy every day for a year through the real HTTP
 * handlers (the API accepts a purchase at most 90 days back, and the handlers read the time from
 * `new Date()`). Only `Date` moves; `performance.now()`, which every timing here uses, does not.
 */
const RealDate = Date;
let offsetMs = 0;

class ShiftedDate extends RealDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }

  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}

globalThis.Date = ShiftedDate as DateConstructor;

export const DAY_MS = 86_400_000;

/** Sets the process clock to `at` (real time moves on from there). */
export function setClock(at: number): void {
  offsetMs = at - RealDate.now();
}

export function resetClock(): void {
  offsetMs = 0;
}

export function realNow(): number {
  return RealDate.now();
}

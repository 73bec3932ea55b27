/**
 * The one source of "now" for every handler and job. On AWS it is always the system clock;
 * locally, `npm start` with TEST_CLOCK=1 installs the test clock (infra/local/test-clock.ts),
 * which only ever moves forward. Nothing in the deployed stack can install another source:
 * `useClock` is called from infra/local only (an infra test proves the bundles never contain it).
 *
 * What is NOT business time stays on the system clock: deadlines and timeouts, caches, and the
 * `webhook-timestamp` of deliveries (receivers check it against their own clocks).
 */
export type Clock = () => Date;

const systemClock: Clock = () => new Date();
let source: Clock = systemClock;

/** Now, by the process's clock. */
export const clock: Clock = () => source();

/** Installs a clock for the whole process; `undefined` puts the system clock back. */
export function useClock(next: Clock | undefined): void {
  source = next ?? systemClock;
}

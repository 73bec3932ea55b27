import { describe, expect, it } from 'vitest';
import { enrolmentPlan } from '@infra/local/demo';
import { parseTestClockStart, TestClock, TestClockError } from '@infra/local/test-clock';

const DAY = 86_400_000;

describe('the test clock start (TEST_CLOCK_START)', () => {
  it('reads an ISO date-time or -<days>d, and nothing when unset', () => {
    const now = Date.parse('2026-11-24T12:00:00.000Z');
    expect(parseTestClockStart('2026-07-01T00:00:00Z', now)?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(parseTestClockStart('-121d', now)?.toISOString()).toBe(new Date(now - 121 * DAY).toISOString());
    expect(parseTestClockStart(undefined, now)).toBeUndefined();
    expect(parseTestClockStart('', now)).toBeUndefined();
    expect(() => parseTestClockStart('last spring', now)).toThrow(TestClockError);
  });

  it('starts the clock in the past, from where it still only moves forward', () => {
    const start = new Date(Date.now() - 120 * DAY);
    const clock = new TestClock(start);
    expect(Math.abs(clock.now().getTime() - start.getTime())).toBeLessThan(1_000);
    expect(() => clock.moveTo(new Date(start.getTime() - DAY))).toThrow(TestClockError);
    expect(clock.moveTo(new Date(start.getTime() + DAY)).getTime()).toBeGreaterThanOrEqual(start.getTime() + DAY);
  });
});

describe('the demo enrolment plan', () => {
  it('enrols exactly the members asked for: 40 % on the first day, the rest spread over the days', () => {
    const start = new Date('2026-07-27T00:00:00.000Z');
    const plan = enrolmentPlan(1_000, 120, start);
    expect(plan).toHaveLength(120);
    expect(plan.reduce((sum, n) => sum + n, 0)).toBe(1_000);
    expect(plan[0]).toBe(400);
    expect(plan.slice(1).every((n) => n >= 1)).toBe(true);
    expect(enrolmentPlan(50, 1, start)).toEqual([50]);
  });
});

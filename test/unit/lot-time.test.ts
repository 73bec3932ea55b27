import { describe, expect, it } from 'vitest';
import { MAX_ANNOUNCEMENT_ITEMS, nextLotDueAt, planLotTime, type LotTimePlan } from '@shared/domain/lot-time';
import type { LotBook, PointsLot } from '@shared/domain/lots';
import type { MemberLots } from '@shared/domain/member';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A held lot that became available `daysAgo` before now (several lots may share an instant). */
function held(lotId: string, availableMs: number, expiresMs?: number): PointsLot {
  return {
    lotId,
    points: 10,
    remaining: 10,
    availableAt: iso(availableMs),
    ...(expiresMs !== undefined ? { expiresAt: iso(expiresMs) } : {}),
    held: true,
  };
}

/** Runs the plan again and again on its own result, as the job does, until nothing more is left. */
function drain(book: LotBook, state: MemberLots, remindDays = 30) {
  const plans: LotTimePlan[] = [];
  for (let pass = 0; pass < 20; pass += 1) {
    const plan = planLotTime(book, state, { remindDays }, now);
    plans.push(plan);
    book = plan.book;
    state = plan.state;
    if (!plan.more) break;
  }
  return { plans, book, state };
}

/** Items the plan adds to the member's transaction for its announcements. */
const announcementItems = (plan: LotTimePlan) => plan.available.length + plan.writes.length + plan.reminders.length;

describe('the lots’ time job within one transaction', () => {
  it('announces a backlog of availability over several transactions, each lot once, oldest first', () => {
    // 120 lots became available since the last run, 40 of them at the very same instant.
    const lots = Array.from({ length: 120 }, (_, i) =>
      held(`txn_${String(i).padStart(3, '0')}`, now.getTime() - DAY + Math.max(0, i - 40) * 60_000),
    );
    const state: MemberLots = { owed: 0, announcedThrough: iso(now.getTime() - 2 * DAY) };
    const { plans, state: after } = drain({ lots, owed: 0 }, state);

    expect(plans.length).toBeGreaterThan(1);
    for (const plan of plans) expect(announcementItems(plan)).toBeLessThanOrEqual(MAX_ANNOUNCEMENT_ITEMS);
    const announced = plans.flatMap((plan) => plan.available.map((lot) => lot.lotId));
    expect(announced).toEqual(lots.map((lot) => lot.lotId));
    // While some are left, the member is due now; once all are told, the cursor is the run's instant.
    expect(plans[0]?.state.dueAt).toBe(now.toISOString());
    expect(after.announcedThrough).toBe(now.toISOString());
    expect(nextLotDueAt({ lots, owed: 0 }, after, { remindDays: 30 }, now)).toBeUndefined();
  });

  it('reminds of many lots over several transactions, each lot once', () => {
    // A daily buyer whose program now reminds 200 days ahead: 200 lots expire within the window.
    const lots = Array.from({ length: 200 }, (_, i) =>
      held(`txn_${String(i).padStart(3, '0')}`, now.getTime() - 400 * DAY, now.getTime() + (i + 1) * DAY),
    );
    const state: MemberLots = { owed: 0, announcedThrough: now.toISOString() };
    const { plans, book } = drain({ lots, owed: 0 }, state, 250);

    expect(plans.length).toBeGreaterThan(1);
    for (const plan of plans) expect(announcementItems(plan)).toBeLessThanOrEqual(MAX_ANNOUNCEMENT_ITEMS);
    const reminded = plans.flatMap((plan) => plan.writes.map((lot) => lot.lotId));
    expect(new Set(reminded).size).toBe(reminded.length);
    expect(reminded.length).toBe(200);
    expect(book.lots.every((lot) => lot.reminded === true)).toBe(true);
    expect(plans.flatMap((plan) => plan.reminders).reduce((sum, r) => sum + r.points, 0)).toBe(2_000);
  });

  it('keeps an instant cursor as before: a lot available at the cursor was told already', () => {
    const lots = [held('a', now.getTime() - DAY), held('b', now.getTime() - DAY / 2)];
    const plan = planLotTime(
      { lots, owed: 0 },
      { owed: 0, announcedThrough: iso(now.getTime() - DAY) },
      {
        remindDays: 30,
      },
      now,
    );
    expect(plan.available.map((lot) => lot.lotId)).toEqual(['b']);
    expect(plan.more).toBe(false);
    expect(plan.state.announcedThrough).toBe(now.toISOString());
  });
});

/**
 * What happens to a member's lots by time alone, found by a job: pending lots that became
 * available (`points.available`), lots about to expire (`points.expiring`, `remindDays` ahead)
 * and lots that expired (one `expiry` entry). Pure: the job loads the member and its lots, this
 * plans, the job commits the plan in the member's one transaction.
 *
 * The seam for the scheduled "time events" job: `planLotTime` is everything there is to decide,
 * `nextLotDueAt` is when to look again (the member's schedule item, shared/store/items/lot-due.ts).
 */
import type { Movement } from './ledger';
import {
  effectiveLots,
  lotsToRemind,
  MAX_LOT_WRITES,
  planLotExpiry,
  type LotAllocation,
  type LotBook,
  type PointsLot,
} from './lots';
import type { MemberLots } from './member';

const DAY_MS = 86_400_000;

export interface AvailableLot {
  lotId: string;
  orderId?: string;
  points: number;
  availableAt: string;
}

export interface LotTimePlan {
  /** The book after the run (expired lots dead, reminded lots marked). */
  book: LotBook;
  /** Lot items to write (reminded), within the write budget. */
  writes: PointsLot[];
  /** Held lots that became available since the last announcement, oldest first. */
  available: AvailableLot[];
  /** One reminder per expiry date within `remindDays`. */
  reminders: { expiresAt: string; points: number }[];
  /** The run's one `expiry` movement, when something was left to expire. */
  expiry?: Movement;
  expiredFrom: LotAllocation[];
  /** The member's lot scalars after the run. */
  state: MemberLots;
}

/** True when the plan changes nothing worth a write. */
export function isIdle(plan: LotTimePlan, before: MemberLots): boolean {
  return (
    plan.available.length === 0 &&
    plan.reminders.length === 0 &&
    plan.expiry === undefined &&
    plan.expiredFrom.length === 0 &&
    plan.state.dueAt === before.dueAt &&
    plan.state.expiredThrough === before.expiredThrough
  );
}

export function planLotTime(
  book: LotBook,
  state: MemberLots,
  rules: { remindDays: number },
  now: Date,
  maxLotWrites = MAX_LOT_WRITES,
): LotTimePlan {
  const through = now.toISOString();
  const announced = state.announcedThrough;
  const available = effectiveLots(book, now)
    .lots.filter(
      (lot) =>
        lot.held === true &&
        lot.status === 'available' &&
        lot.effective > 0 &&
        (announced === undefined || lot.availableAt > announced),
    )
    .sort((a, b) => (a.availableAt < b.availableAt ? -1 : a.availableAt > b.availableAt ? 1 : 0))
    .map((lot) => ({
      lotId: lot.lotId,
      ...(lot.orderId !== undefined ? { orderId: lot.orderId } : {}),
      points: lot.effective,
      availableAt: lot.availableAt,
    }));
  const expired = planLotExpiry(book, now);
  const reminded = lotsToRemind(expired.book, now, rules.remindDays, maxLotWrites);
  const next: MemberLots = {
    ...state,
    owed: reminded.book.owed,
    ...(reminded.book.expiredThrough !== undefined ? { expiredThrough: reminded.book.expiredThrough } : {}),
    announcedThrough: announced !== undefined && announced > through ? announced : through,
  };
  const dueAt = nextLotDueAt(reminded.book, next, rules, now);
  if (dueAt === undefined) delete next.dueAt;
  else next.dueAt = dueAt;
  return {
    book: reminded.book,
    writes: reminded.writes,
    available,
    reminders: reminded.reminders,
    ...(expired.movement ? { expiry: expired.movement } : {}),
    expiredFrom: expired.expiredFrom,
    state: next,
  };
}

/**
 * The next instant the job has something to do for this member: a held lot becoming available
 * (after the last announcement), a reminder falling due, or a lot expiring. Undefined: nothing
 * ever, until the next credit. Due instants already past are due now.
 */
export function nextLotDueAt(
  book: LotBook,
  state: Pick<MemberLots, 'announcedThrough'>,
  rules: { remindDays: number },
  now: Date,
): string | undefined {
  let due: number | undefined;
  const consider = (time: number) => {
    due = due === undefined ? time : Math.min(due, time);
  };
  for (const lot of effectiveLots(book, now).lots) {
    if (lot.effective <= 0) continue;
    if (lot.held && (state.announcedThrough === undefined || lot.availableAt > state.announcedThrough))
      consider(Date.parse(lot.availableAt));
    if (lot.expiresAt !== undefined) {
      const expiresAt = Date.parse(lot.expiresAt);
      if (!lot.reminded) consider(expiresAt - rules.remindDays * DAY_MS);
      consider(expiresAt);
    }
  }
  return due === undefined ? undefined : new Date(Math.max(due, now.getTime())).toISOString();
}

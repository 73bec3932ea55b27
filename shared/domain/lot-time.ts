/**
 * What happens to a member's lots by time alone, found by a job: pending lots that became
 * available (`points.available`), lots about to expire (`points.expiring`, `remindDays` ahead)
 * and lots that expired (one `expiry` entry). Pure: the job loads the member and its lots, this
 * plans, the job commits the plan in the member's one transaction.
 *
 * `lotTimeRule` is this as a rule of the time job (./time-rules.ts): `planLotTime` is everything
 * there is to decide, `nextLotDueAt` is when to look again (`MemberLots.dueAt`, one of the times
 * the member's schedule key is the earliest of).
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
import { reservedPoints } from './codes';
import { lotRulesOf } from './lot-rules';
import type { MemberLots } from './member';
import { DAY_MS } from './time';
import type { TimeRule } from './time-rule';

/**
 * Items one run may add to the member's transaction for its announcements: `points.available`
 * events, reminded lot items and `points.expiring` events (at most one per reminded lot). The
 * transaction's other items — the member, the expiry entry and its event —
 * stay well within the 100 a transaction holds. What does not fit stays due: the member's next
 * due instant is now, and the next run (or the same run again) goes on where this one stopped.
 */
export const MAX_ANNOUNCEMENT_ITEMS = 90;

/** The position of a lot in the order availability is announced: its availableAt, ties by lotId. */
const announcementKey = (lot: Pick<PointsLot, 'availableAt' | 'lotId'>) => `${lot.availableAt}#${lot.lotId}`;

/**
 * Whether the lot's availability was announced by `announcedThrough`: an instant (every lot
 * available by then), or the key of the last lot announced when a run had to stop early.
 */
function announced(lot: Pick<PointsLot, 'availableAt' | 'lotId'>, announcedThrough: string | undefined): boolean {
  if (announcedThrough === undefined) return false;
  return announcedThrough.includes('#')
    ? announcementKey(lot) <= announcedThrough
    : lot.availableAt <= announcedThrough;
}

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
  /** Announcements were left for a next run (the budget was spent): the member is still due now. */
  more: boolean;
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

/**
 * Everything due for the member by `now`, within `maxItems` announcement items (see
 * MAX_ANNOUNCEMENT_ITEMS): availability first, oldest first, up to half of them; reminders in
 * the rest (each reminded lot is a write and at most one event). The expiry is never cut short:
 * it is one entry whatever the number of lots.
 */
export function planLotTime(
  book: LotBook,
  state: MemberLots,
  rules: { remindDays: number },
  now: Date,
  maxItems = MAX_ANNOUNCEMENT_ITEMS,
  reserved = 0,
): LotTimePlan {
  const through = now.toISOString();
  const becameAvailable = effectiveLots(book, now)
    .lots.filter(
      (lot) =>
        lot.held === true && lot.status === 'available' && lot.effective > 0 && !announced(lot, state.announcedThrough),
    )
    .sort((a, b) => (announcementKey(a) < announcementKey(b) ? -1 : announcementKey(a) > announcementKey(b) ? 1 : 0));
  const availableRoom = Math.max(1, Math.floor(maxItems / 2));
  const cut = becameAvailable.length > availableRoom;
  const last = becameAvailable[availableRoom - 1];
  const available = becameAvailable.slice(0, availableRoom).map((lot) => ({
    lotId: lot.lotId,
    ...(lot.orderId !== undefined ? { orderId: lot.orderId } : {}),
    points: lot.effective,
    availableAt: lot.availableAt,
  }));
  // Points reserved for codes charged at use are spared (kept): lots.ts "Reservations".
  const expired = planLotExpiry(book, now, reserved);
  const remindRoom = Math.min(MAX_LOT_WRITES, Math.floor((maxItems - available.length) / 2));
  const reminded = lotsToRemind(expired.book, now, rules.remindDays, remindRoom, reserved);
  const { keptForCodes: _kept, ...unkept } = state;
  const next: MemberLots = {
    ...unkept,
    owed: reminded.book.owed,
    ...(reminded.book.expiredThrough !== undefined ? { expiredThrough: reminded.book.expiredThrough } : {}),
    ...(reminded.book.keptForCodes !== undefined ? { keptForCodes: reminded.book.keptForCodes } : {}),
    announcedThrough:
      cut && last
        ? announcementKey(last)
        : state.announcedThrough !== undefined &&
            !state.announcedThrough.includes('#') &&
            state.announcedThrough > through
          ? state.announcedThrough
          : through,
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
    more: cut || lotsToRemind(reminded.book, now, rules.remindDays, 1).writes.length > 0,
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
    if (lot.held && !announced(lot, state.announcedThrough)) consider(Date.parse(lot.availableAt));
    if (lot.expiresAt !== undefined) {
      const expiresAt = Date.parse(lot.expiresAt);
      if (!lot.reminded) consider(expiresAt - rules.remindDays * DAY_MS);
      consider(expiresAt);
    }
  }
  return due === undefined ? undefined : new Date(Math.max(due, now.getTime())).toISOString();
}

/**
 * The points lots' time rule: availability, reminders and lot expiry in one plan. It plans the
 * lots itself (the job writes the plan's lots; the lots hook leaves the member be). Due at
 * `MemberLots.dueAt`, which the lots hook moves with every write that changes the lots: found
 * through the member's schedule key like every rule.
 */
export const lotTimeRule: TimeRule = {
  name: 'lots',
  lots: true,
  dueAt: (member) => member.lots?.dueAt,
  apply({ member, program, now, book }) {
    if (!member.lots || !book) return undefined;
    const plan = planLotTime(
      book,
      member.lots,
      lotRulesOf(program),
      now,
      MAX_ANNOUNCEMENT_ITEMS,
      reservedPoints(member),
    );
    if (isIdle(plan, member.lots)) return undefined;
    return {
      member: { ...member, lots: plan.state },
      movements: plan.expiry ? [{ movement: plan.expiry, event: 'points.expired' }] : [],
      events: [
        ...plan.available.map((lot) => ({
          type: 'points.available' as const,
          data: { transactionId: lot.lotId, ...lot },
        })),
        ...plan.reminders.map((reminder) => ({ type: 'points.expiring' as const, data: { ...reminder } })),
      ],
      lots: { book: plan.book, writes: plan.writes },
      more: plan.more,
      tally: {
        available: plan.available.reduce((sum, lot) => sum + lot.points, 0),
        reminders: plan.reminders.length,
        pointsExpired: -(plan.expiry?.points ?? 0),
      },
    };
  },
};

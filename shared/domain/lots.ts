/**
 * Points lots: every credit of points is a lot with its own dates, so points can be pending
 * (a return window), expire on their own date, and be taken back by the order that earned them.
 *
 * A lot is `{ lotId, orderId?, points, remaining, availableAt, expiresAt?, reminded? }`; `lotId`
 * is the crediting ledger transaction. It is **pending** until `availableAt`, then **available**
 * until it is spent or expires. All functions here are pure: the store loads lots, these plan
 * the change, the store commits it in one transaction.
 *
 * ## Storage shape (why the member item stays small)
 *
 * A daily buyer whose points live 24 months has ~730 open lots, so lots are NOT on the member
 * item. Each lot is its own item, `MEMBER#<id>` / `lotSortKey(lot)` (shared/store/items/lot.ts) =
 * `LOT#<expiresAt | ~>#<availableAt>#<lotId>`: a Query in key order reads lots in exactly the
 * order redemptions consume them (soonest expiry first, ties oldest first, never-expiring last).
 * The member item keeps only bounded facts: the balances (derived, as today), `owed` and two
 * watermarks, `expiredThrough` and `clearedThrough` (see `LotBook`), and, for reads that must
 * not query lots, the pending lots' `{ lotId, availableAt, remaining }` — bounded by the hold
 * window, like pending cashback today.
 *
 * ## One transaction whatever the number of lots: `owed` and watermarks
 *
 * A transaction holds at most 100 items, and a redemption may span more lots than that. So a
 * debit is not written to lots one by one: it is added to the member's `owed`, a count of spent
 * points not yet subtracted from a lot item. `owed` always belongs to the live available lots
 * in consumption order (`effectiveLots`): the first lots are consumed first, exactly as if each
 * had been written. A use case may then write ("materialize") as many of those lot items as its
 * transaction has room for (`materializeOwed`, `maxLotWrites`); the rest stays in `owed` until
 * a later write has room. Materializing any lot's share gives the same effective lots, so the
 * order of materialization does not matter.
 *
 * Expiry writes no lot at all: the run sets `expiredThrough = now`, and every lot whose
 * `expiresAt ≤ expiredThrough` is dead (its key is before the Query's start). Inactivity expiry
 * sets `clearedThrough = now` and counts one more `clearings`: every lot credited before and
 * available by then is dead; pending lots survive. Dead
 * items can be deleted at leisure (no balance depends on them).
 *
 * A refund's shortfall (the member already spent the order's points) also goes to `owed`. When
 * `owed` exceeds the available lots, the excess is the negative balance of today's rules, and
 * the next lots to become available pay it first — without a write, by the same rule.
 *
 * Caveat, documented in shared/README.md: `owed` is attributed when it is read. Under one program,
 * a lot that becomes available later always sorts after the lots available earlier (its
 * availableAt is later, its expiresAt no earlier), so attribution equals eager attribution.
 * After a program change that shortens `afterMonths`, spend still in `owed` may be attributed
 * to a newer lot that sorts first; totals are unaffected.
 */
import { DomainError } from './errors';
import type { BreakdownLine, Movement } from './ledger';
import type { LotExpiryRule, LotRules } from './lot-rules';
import { addMonths, DAY_MS } from './time';

/**
 * Lot writes a use case may add to its transaction. 100 items per TransactWriteItems, less the
 * member item, a few ledger entries, the idempotency record, an order or reward item, an event.
 */
export const MAX_LOT_WRITES = 90;

export interface PointsLot {
  /** The crediting ledger transaction. */
  lotId: string;
  orderId?: string;
  /** What was credited. */
  points: number;
  /** What the lot item still holds, before the member's `owed` is attributed (see `effectiveLots`). */
  remaining: number;
  availableAt: string;
  /** The instant the lot expires (the last millisecond of its day or month); none: never. */
  expiresAt?: string;
  /** Set once a `points.expiring` reminder announced this lot. */
  reminded?: boolean;
  /** The member's `clearings` when the lot was credited (absent: 0), set by `creditLot`. */
  clearings?: number;
  /** Credited pending (a hold): its becoming available is announced (`points.available`). */
  held?: boolean;
}

/** The member's lots as one use case sees them, with the member-level facts that govern them. */
export interface LotBook {
  /** The live lots the store loaded; dead ones (below a watermark) are ignored. */
  lots: readonly PointsLot[];
  /** Spent or taken-back points not yet subtracted from a lot item. Never negative. */
  owed: number;
  /** Every lot with `expiresAt ≤ expiredThrough` has expired (set by the expiry run). */
  expiredThrough?: string;
  /**
   * Every lot credited before the last inactivity expiry (`clearings` higher than the lot's)
   * and available by `clearedThrough` has expired. The count, not only the instant, decides:
   * a lot credited in the same millisecond after the run must survive it.
   */
  clearedThrough?: string;
  clearings?: number;
  /**
   * Points reserved for codes charged at use that an expiry kept after the lots holding them died
   * (see "Reservations" below): part of the balance, never more than the reservation, never expiring
   * while it lasts.
   */
  keptForCodes?: number;
}

export interface LotAllocation {
  lotId: string;
  points: number;
}

export type LotStatus = 'pending' | 'available';

export interface EffectiveLot extends PointsLot {
  status: LotStatus;
  /** The part of the member's `owed` this lot carries (0 for pending lots). */
  owedShare: number;
  /** What can still be spent from it: `remaining − owedShare`. */
  effective: number;
}

// ---------------------------------------------------------------- dates

/** The last millisecond of the UTC day of `time`. */
export function endOfUtcDay(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate() + 1) - 1);
}

/** The last millisecond of the UTC month of `time`. */
export function endOfUtcMonth(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + 1, 1) - 1);
}

/**
 * When a credit becomes spendable: `occurredAt + holdDays` for an earn (the return window runs
 * from the purchase, as for cashback), but never before the credit itself — a till reporting
 * late does not make points available in the past, so their expiry counts from when the member
 * could first spend them. Bonuses and adjustments (no `holdFrom`) are available at once.
 */
export function lotAvailableAt(holdDays: number, creditedAt: string, holdFrom?: string): string {
  if (holdFrom === undefined) return creditedAt;
  const endOfHold = Date.parse(holdFrom) + holdDays * DAY_MS;
  return new Date(Math.max(endOfHold, Date.parse(creditedAt))).toISOString();
}

/**
 * `afterMonths` calendar months after `availableAt`, in UTC, then the end of that day or month.
 * Months clamp to the shorter month's last day (`addMonths`): available 31 January + 1 month →
 * 28 February (29 in a leap year), so `roundTo: "day"` expires at 28 Feb 23:59:59.999 and
 * `roundTo: "month"` at the end of February; 30 April + 1 month → 30 May (not 31 May).
 */
export function lotExpiresAt(availableAt: string, rule: LotExpiryRule): string {
  const shifted = addMonths(availableAt, rule.afterMonths);
  return (rule.roundTo === 'month' ? endOfUtcMonth(shifted) : endOfUtcDay(shifted)).toISOString();
}

/** A new lot for a credit, dated by the program in force now (existing lots keep their dates). */
export function newLot(
  rules: Pick<LotRules, 'holdDays' | 'lotExpiry'>,
  credit: { lotId: string; points: number; creditedAt: string; orderId?: string; holdFrom?: string },
): PointsLot {
  if (!Number.isSafeInteger(credit.points) || credit.points <= 0) throw new RangeError('a lot holds positive points');
  const availableAt = lotAvailableAt(rules.holdDays, credit.creditedAt, credit.holdFrom);
  return {
    lotId: credit.lotId,
    ...(credit.orderId !== undefined ? { orderId: credit.orderId } : {}),
    points: credit.points,
    remaining: credit.points,
    availableAt,
    ...(rules.lotExpiry ? { expiresAt: lotExpiresAt(availableAt, rules.lotExpiry) } : {}),
    ...(availableAt > credit.creditedAt ? { held: true } : {}),
  };
}

// ---------------------------------------------------------------- order and state

/** Consumption order: soonest expiry first, ties oldest (availableAt, then lotId) first, never-expiring last. */
export function compareLots(a: PointsLot, b: PointsLot): number {
  const order = (lot: PointsLot) => [lot.expiresAt ?? NEVER, lot.availableAt, lot.lotId];
  const [x, y] = [order(a), order(b)];
  for (const [index, field] of x.entries()) {
    const other = y[index] ?? '';
    if (field !== other) return field < other ? -1 : 1;
  }
  return 0;
}

/** A lot that never expires sorts after every expiry: ISO-8601 instants sort as text, and `~` after every digit. */
const NEVER = '~';

export function isDead(
  lot: PointsLot,
  book: Pick<LotBook, 'expiredThrough' | 'clearedThrough' | 'clearings'>,
): boolean {
  if (lot.expiresAt !== undefined && book.expiredThrough !== undefined && lot.expiresAt <= book.expiredThrough)
    return true;
  return (
    book.clearedThrough !== undefined &&
    (lot.clearings ?? 0) < (book.clearings ?? 0) &&
    lot.availableAt <= book.clearedThrough
  );
}

/**
 * The live lots in consumption order, with the member's `owed` attributed to the available ones
 * first-to-last. `unattributed` is owed beyond every available lot: the negative balance.
 */
export function effectiveLots(book: LotBook, now: Date): { lots: EffectiveLot[]; unattributed: number } {
  let left = book.owed;
  const lots = book.lots
    .filter((lot) => !isDead(lot, book))
    .sort(compareLots)
    .map((lot): EffectiveLot => {
      const status: LotStatus = Date.parse(lot.availableAt) <= now.getTime() ? 'available' : 'pending';
      const owedShare = status === 'available' ? Math.min(lot.remaining, left) : 0;
      left -= owedShare;
      return { ...lot, status, owedShare, effective: lot.remaining - owedShare };
    });
  return { lots, unattributed: left };
}

/**
 * `balance` is what can be spent now (negative only after a refund), `pending` what is still in
 * its return window. The ledger's points always sum to `balance + pending`.
 */
export function pointsTotals(book: LotBook, now: Date): { balance: number; pending: number } {
  const { lots, unattributed } = effectiveLots(book, now);
  let balance = keptOf(book) - unattributed;
  let pending = 0;
  for (const lot of lots) {
    if (lot.status === 'available') balance += lot.effective;
    else pending += lot.effective;
  }
  return { balance, pending };
}

/** `pointsStatus` of an earn entry: whether its lot was spendable at `now`. */
export function pointsStatusAt(lot: Pick<PointsLot, 'availableAt'>, now: Date): LotStatus {
  return Date.parse(lot.availableAt) <= now.getTime() ? 'available' : 'pending';
}

/** Adds a new lot to the book, stamped with the member's inactivity-expiry count. */
export function creditLot(book: LotBook, lot: PointsLot): LotBook {
  const clearings = book.clearings ?? 0;
  return { ...book, lots: [...book.lots, clearings > 0 ? { ...lot, clearings } : lot] };
}

// ---------------------------------------------------------------- writes within a budget

export interface LotPlan {
  book: LotBook;
  /** Lot items to write (update, or delete when `remaining` is 0), at most `maxLotWrites`. */
  writes: PointsLot[];
}

/**
 * Subtracts `owed` from the first lot items that carry it, at most `maxLotWrites` of them. The
 * effective lots (and so every balance) are the same before and after: only where the spend is
 * recorded moves, from the member item to the lot items.
 */
export function materializeOwed(book: LotBook, now: Date, maxLotWrites = MAX_LOT_WRITES): LotPlan {
  const written = new Map<string, PointsLot>();
  let owed = book.owed;
  for (const lot of effectiveLots(book, now).lots) {
    if (written.size >= maxLotWrites || owed === 0) break;
    if (lot.owedShare === 0) continue;
    written.set(lot.lotId, { ...stripEffective(lot), remaining: lot.effective });
    owed -= lot.owedShare;
  }
  return { book: replaceLots({ ...book, owed }, written), writes: [...written.values()] };
}

// ---------------------------------------------------------------- redemption

export interface RedemptionPlan extends LotPlan {
  /** Which lots the redemption spends, and how much of each, soonest-expiring first. */
  spentFrom: LotAllocation[];
}

/**
 * Spends `points` from the available lots, soonest-expiring first. Refused as today: never below
 * zero, and not at all while the balance is negative. Pending lots are never spent.
 */
export function planRedemption(
  book: LotBook,
  points: number,
  now: Date,
  maxLotWrites = MAX_LOT_WRITES,
): RedemptionPlan {
  if (!Number.isSafeInteger(points) || points <= 0) throw new RangeError('a redemption spends positive points');
  const { balance } = pointsTotals(book, now);
  if (balance < 0) {
    throw new DomainError(
      'negative-balance',
      `The balance is ${balance} after a refund; redemptions resume once it is positive.`,
    );
  }
  if (balance < points) {
    throw new DomainError('insufficient-points', `The balance is ${balance} points; ${points} were asked.`);
  }
  const spentFrom: LotAllocation[] = [];
  let wanted = points;
  for (const lot of effectiveLots(book, now).lots) {
    if (wanted === 0) break;
    if (lot.status !== 'available' || lot.effective === 0) continue;
    const take = Math.min(lot.effective, wanted);
    spentFrom.push({ lotId: lot.lotId, points: take });
    wanted -= take;
  }
  return { ...materializeOwed({ ...book, owed: book.owed + points }, now, maxLotWrites), spentFrom };
}

// ---------------------------------------------------------------- refund

export interface LotRefundPlan extends LotPlan {
  /** What came back from the order's own lot(s). */
  takenFrom: LotAllocation[];
  /** What the member had already spent of the order's points: taken from the balance (via `owed`). */
  shortfall: number;
}

/**
 * Takes back `points` (the proportional reversal `planRefund` computes) from the order's own lot:
 * its pending points first, then what is left of it once available. What the member already
 * spent is the shortfall: it comes out of the balance like a redemption of the soonest-expiring
 * points, and when the balance cannot cover it the balance goes negative (today's rule), to be
 * paid by the next points that become available.
 */
export function planLotRefund(
  book: LotBook,
  orderId: string,
  points: number,
  now: Date,
  maxLotWrites = MAX_LOT_WRITES,
): LotRefundPlan {
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError('a refund takes back zero or more points');
  const own = effectiveLots(book, now)
    .lots.filter((lot) => lot.orderId === orderId)
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'pending' ? -1 : 1));
  const written = new Map<string, PointsLot>();
  const takenFrom: LotAllocation[] = [];
  let owed = book.owed;
  let wanted = points;
  for (const lot of own) {
    if (wanted === 0) break;
    const take = Math.min(lot.effective, wanted);
    if (take === 0) continue;
    // The lot's share of `owed` is written with it, so `owed` keeps describing the other lots.
    written.set(lot.lotId, { ...stripEffective(lot), remaining: lot.effective - take });
    owed -= lot.owedShare;
    takenFrom.push({ lotId: lot.lotId, points: take });
    wanted -= take;
  }
  const afterOwn = replaceLots({ ...book, owed: owed + wanted }, written);
  const rest = materializeOwed(afterOwn, now, Math.max(0, maxLotWrites - written.size));
  const writes = [...written.values()].map((lot) => rest.writes.find((w) => w.lotId === lot.lotId) ?? lot);
  for (const write of rest.writes) if (!written.has(write.lotId)) writes.push(write);
  return { book: rest.book, writes, takenFrom, shortfall: wanted };
}

// ---------------------------------------------------------------- expiry

export interface LotExpiryPlan {
  book: LotBook;
  /** The one `expiry` movement of this member for this run; none when nothing was left to expire. */
  movement?: Movement;
  /** What was left of each expired lot, the only points an expiry takes. */
  expiredFrom: LotAllocation[];
}

/**
 * Expires every lot due by `now` (`expiresAt ≤ now`): it debits only what is left of each (its
 * effective points) and not reserved (`reserved`: the member's points reserved for codes charged
 * at use, which are kept), as one movement per member per run, and writes no lot item: the
 * member's `expiredThrough` moves to `now`. The store must load every live lot with `expiresAt ≤ now`.
 */
export function planLotExpiry(book: LotBook, now: Date, reserved = 0): LotExpiryPlan {
  const through = now.toISOString();
  const { lots } = effectiveLots(book, now);
  const dies = (lot: EffectiveLot) => lot.expiresAt !== undefined && lot.expiresAt <= through;
  const watermarked = { ...book, expiredThrough: maxInstant(book.expiredThrough, through) };
  return expire(book, lots, dies, watermarked, 'lot-expiry', reserved);
}

/**
 * Inactivity expiry: every open lot available by `now` expires at once, whatever its own date;
 * pending lots (still in a return window) are the member's only once available and survive, as
 * do the `reserved` points (kept). The member's `clearedThrough` moves to `now`; no lot item is
 * written.
 */
export function planInactivityExpiry(book: LotBook, now: Date, reserved = 0): LotExpiryPlan {
  const through = now.toISOString();
  const { lots } = effectiveLots(book, now);
  const cleared = {
    ...book,
    clearedThrough: maxInstant(book.clearedThrough, through),
    clearings: (book.clearings ?? 0) + 1,
  };
  return expire(book, lots, (lot) => lot.status === 'available', cleared, 'inactivity', reserved);
}

function expire(
  book: LotBook,
  lots: EffectiveLot[],
  dies: (lot: EffectiveLot) => boolean,
  watermarked: LotBook,
  rule: string,
  reserved: number,
): LotExpiryPlan {
  const shares = reservationShares(lots, reserved - keptOf(book));
  const dying = lots.filter(dies);
  const expiredFrom = dying
    .map((lot) => ({ lotId: lot.lotId, points: lot.effective - (shares.get(lot.lotId) ?? 0) }))
    .filter((lot) => lot.points > 0);
  const expired = expiredFrom.reduce((sum, lot) => sum + lot.points, 0);
  // Spend attributed to a dying lot dies with it; spend beyond every lot (a debt) stays owed.
  const owed = book.owed - dying.reduce((sum, lot) => sum + lot.owedShare, 0);
  // What the reservation held in a dying lot is kept apart, for the codes.
  const kept = keptOf(book) + dying.reduce((sum, lot) => sum + (shares.get(lot.lotId) ?? 0), 0);
  const breakdown: BreakdownLine[] = [{ rule, points: -expired }];
  return {
    book: withKept({ ...watermarked, owed }, kept),
    ...(expired > 0 ? { movement: { type: 'expiry', points: -expired, breakdown } } : {}),
    expiredFrom,
  };
}

// ---------------------------------------------------------------- reservations

/*
 * Points reserved for codes charged at use (the member's `points.reserved`) are the member's but
 * promised: no expiry takes them. The reservation is held by the available points that come first
 * in consumption order after the spend already attributed (`owed`) — the points a charge at issue
 * would have taken. When an expiry kills a lot, what the reservation held in it is not expired but
 * kept apart (`keptForCodes`, part of the balance). A use charges the kept points as far as the rest
 * of the reservation no longer needs them (`spendKept`), then the lots; a reservation that ends
 * without a use (a cancel, the code's expiry) leaves kept points beyond what is still reserved:
 * their lots expired meanwhile, so they expire then, in the same transaction (`planKeptExpiry`).
 */

/** The breakdown rule of the expiry of kept points whose reservation ended. */
export const RESERVATION_ENDED = 'reservation-ended';

const keptOf = (book: Pick<LotBook, 'keptForCodes'>): number => book.keptForCodes ?? 0;

function withKept(book: LotBook, kept: number): LotBook {
  const { keptForCodes: _kept, ...rest } = book;
  return kept > 0 ? { ...rest, keptForCodes: kept } : rest;
}

/** How much of each available lot (in consumption order, after `owed`) holds the `need` reserved points. */
export function reservationShares(lots: readonly EffectiveLot[], need: number): Map<string, number> {
  const shares = new Map<string, number>();
  let left = Math.max(0, need);
  for (const lot of lots) {
    if (left === 0) break;
    if (lot.status !== 'available' || lot.effective <= 0) continue;
    const share = Math.min(lot.effective, left);
    shares.set(lot.lotId, share);
    left -= share;
  }
  return shares;
}

/**
 * A debit of `points` when `reserved` points stay reserved after it: the kept points beyond that
 * reservation pay first (a use charging its code's points), the rest (`points` left) is the lots'.
 * A debit that leaves the reservation as it was takes nothing kept.
 */
export function spendKept(book: LotBook, points: number, reserved: number): { book: LotBook; points: number } {
  const take = Math.min(points, Math.max(0, keptOf(book) - reserved));
  return { book: withKept(book, keptOf(book) - take), points: points - take };
}

/** The expiry of the kept points beyond `reserved` (the reservation that held them ended): none when none. */
export function planKeptExpiry(book: LotBook, reserved: number): { book: LotBook; movement?: Movement } {
  const expired = Math.max(0, keptOf(book) - Math.max(0, reserved));
  if (expired === 0) return { book };
  return {
    book: withKept(book, keptOf(book) - expired),
    movement: { type: 'expiry', points: -expired, breakdown: [{ rule: RESERVATION_ENDED, points: -expired }] },
  };
}

// ---------------------------------------------------------------- what the member sees

/** The next `count` expiry dates of the points the member can spend now, with how many expire then. */
export function nextExpiring(
  book: LotBook,
  now: Date,
  count = 3,
  reserved = 0,
): { points: number; expiresAt: string }[] {
  const byDate = new Map<string, number>();
  const { lots } = effectiveLots(book, now);
  // Reserved points do not expire (they are kept): only the rest of each lot is shown expiring.
  const shares = reservationShares(lots, reserved - keptOf(book));
  for (const lot of lots) {
    const expiring = lot.effective - (shares.get(lot.lotId) ?? 0);
    if (lot.status !== 'available' || expiring <= 0 || lot.expiresAt === undefined) continue;
    if (!byDate.has(lot.expiresAt) && byDate.size === count) break;
    byDate.set(lot.expiresAt, (byDate.get(lot.expiresAt) ?? 0) + expiring);
  }
  return [...byDate].map(([expiresAt, points]) => ({ points, expiresAt }));
}

export interface ReminderPlan extends LotPlan {
  /** One `points.expiring` reminder per expiry date: the points the member would lose then. */
  reminders: { expiresAt: string; points: number }[];
}

/**
 * Lots to announce now: not yet reminded, with points left, expiring within `remindDays` (and
 * not yet expired). Each is written back with `reminded: true`, within the write budget; what
 * does not fit is found again by the next run. Pending lots count: their points expire too;
 * `reserved` points do not (they are kept): a reminder counts only the rest of each lot.
 */
export function lotsToRemind(
  book: LotBook,
  now: Date,
  remindDays: number,
  maxLotWrites = MAX_LOT_WRITES,
  reserved = 0,
): ReminderPlan {
  const horizon = now.getTime() + remindDays * DAY_MS;
  const { lots } = effectiveLots(book, now);
  // Reserved points will not expire (they are kept): a reminder announces only the rest of a lot.
  const shares = reservationShares(lots, reserved - keptOf(book));
  const due = lots
    .filter(
      (lot) =>
        !lot.reminded &&
        lot.effective > 0 &&
        lot.expiresAt !== undefined &&
        Date.parse(lot.expiresAt) > now.getTime() &&
        Date.parse(lot.expiresAt) <= horizon,
    )
    .slice(0, maxLotWrites);
  const byDate = new Map<string, number>();
  for (const lot of due) {
    const expiring = lot.effective - (shares.get(lot.lotId) ?? 0);
    if (expiring > 0) byDate.set(lot.expiresAt ?? '', (byDate.get(lot.expiresAt ?? '') ?? 0) + expiring);
  }
  const written = new Map(due.map((lot) => [lot.lotId, { ...stripEffective(lot), reminded: true }]));
  return {
    book: replaceLots(book, written),
    writes: [...written.values()],
    reminders: [...byDate].map(([expiresAt, points]) => ({ expiresAt, points })),
  };
}

// ---------------------------------------------------------------- helpers

function stripEffective(lot: EffectiveLot): PointsLot {
  const stored: PointsLot = {
    lotId: lot.lotId,
    points: lot.points,
    remaining: lot.remaining,
    availableAt: lot.availableAt,
  };
  if (lot.orderId !== undefined) stored.orderId = lot.orderId;
  if (lot.expiresAt !== undefined) stored.expiresAt = lot.expiresAt;
  if (lot.reminded !== undefined) stored.reminded = lot.reminded;
  if (lot.clearings !== undefined) stored.clearings = lot.clearings;
  if (lot.held !== undefined) stored.held = lot.held;
  return stored;
}

function replaceLots(book: LotBook, written: Map<string, PointsLot>): LotBook {
  if (written.size === 0) return book;
  return { ...book, lots: book.lots.map((lot) => written.get(lot.lotId) ?? lot) };
}

function maxInstant(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}

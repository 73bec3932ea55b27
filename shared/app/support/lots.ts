import { reservedPoints } from '@shared/domain/codes';
import { DomainError } from '@shared/domain/errors';
import type { LedgerEntry } from '@shared/domain/ledger';
import { lotRulesOf, type LotRules } from '@shared/domain/lot-rules';
import { nextLotDueAt } from '@shared/domain/lot-time';
import {
  creditLot,
  MAX_LOT_WRITES,
  newLot,
  nextExpiring,
  planInactivityExpiry,
  planLotExpiry,
  planKeptExpiry,
  planLotRefund,
  planRedemption,
  pointsTotals,
  RESERVATION_ENDED,
  spendKept,
  type LotBook,
  type LotPlan,
  type PointsLot,
} from '@shared/domain/lots';
import type { LotPoints } from '@shared/domain/member-view';
import type { MemberLots, MemberState } from '@shared/domain/member';
import { toTransaction } from '@shared/domain/transaction-view';
import type { ConditionalWrite, MemberWrite } from '@shared/store/commit';
import { lotBookOf, lotItemsDigest, lotWrite, queryLotBook, queryLotsSince } from '@shared/store/items/lot';
import { findMember } from '@shared/store/items/member';
import { cachedProgram, currentProgram } from '@shared/store/program';
import type { LoadedBooks, Outcome } from './outcome';
import { DAY_MS } from '@shared/domain/time';

/**
 * Points lots in the use cases: one hook, `applyLots`, that `execute` runs on every outcome
 * before it is committed. Use cases keep posting movements as before; for each member write
 * with point movements the hook credits a lot per credit, spends debits soonest-expiring first,
 * takes a refund back from the order's own lot, applies an expiry, and adds the lot items (within
 * the transaction's 100 items) and the member's lot scalars to the SAME transaction. It returns a
 * new outcome: what the use case decided is not changed.
 *
 * A member has lots once a credit was made under a program with `earn.holdDays` or lot expiry;
 * then every later credit is a lot too, whatever the program (so the book always covers the whole
 * balance). The balance they had before becomes one never-expiring, available "opening" lot (or
 * `owed`, if it was negative). A member who never had a lot is stored and answered exactly as in v1.0.
 *
 * The stored `points.balance` stays the ledger's sum (pending included); what can be spent now
 * is `pointsTotals` of the lots, which is what the API shows and what redemptions check.
 */

const MAX_TRANSACTION_ITEMS = 100;

/**
 * How far back in expiry time the lots Query sent beside the member's read starts. It cannot start
 * at the member's watermark (not read yet), and from the first lot it would read every dead lot
 * forever: in a member the daily job keeps, lots that expired over a week ago are behind the
 * watermark, so the Query reads the live lots plus at most a week of dead ones. A member whose
 * job is further behind, or who was written meanwhile, fails the digest: its lots are read after.
 */
export const LOTS_READ_BACK_DAYS = 7;

/**
 * Live lots read beside their member, keyed by member and digest: content-addressed, so an entry
 * is the book of every member version with that digest, whichever request read it (the local
 * server runs many at once). Bounded: a few recent books, the oldest dropped first.
 */
const booksBeside = new Map<string, readonly PointsLot[]>();
const BOOKS_KEPT = 32;
const besideKey = (memberId: string, digest: string) => `${memberId} ${digest}`;

function keepBeside(memberId: string, digest: string, lots: readonly PointsLot[]): void {
  const key = besideKey(memberId, digest);
  booksBeside.delete(key);
  booksBeside.set(key, lots);
  for (const oldest of booksBeside.keys()) {
    if (booksBeside.size <= BOOKS_KEPT) break;
    booksBeside.delete(oldest);
  }
}

/** Whether members may have lots under the program this instance holds (not read for this: no round trip). */
function lotsInForce(): boolean {
  const program = cachedProgram();
  if (!program) return false;
  const rules = lotRulesOf(program);
  return rules.holdDays > 0 || rules.lotExpiry !== undefined;
}

/**
 * The member, and its lots read BESIDE it in the same round trip, for use cases that move or show
 * points: while the program has lots on, a Query of the member's recent lots goes out with the
 * member's read. When what it read matches the member's `lots.digest` it is that version's book
 * and `loadLotBook` returns it without a Query; otherwise (no lots, a concurrent write, a job
 * behind, lots written before the digest) `loadLotBook` queries after the member, as before.
 * Without lots in force nothing more is read: a member without lots costs what it did.
 */
export async function findMemberWithLots(memberId: string, now: Date): Promise<MemberState | undefined> {
  const since = new Date(now.getTime() - LOTS_READ_BACK_DAYS * DAY_MS);
  const [member, read] = await Promise.all([
    findMember(memberId),
    lotsInForce() ? queryLotsSince(memberId, since) : undefined,
  ]);
  const state = member?.lots;
  if (state?.digest !== undefined && read) {
    const live = lotBookOf(read, state).lots;
    if (lotItemsDigest(live, state.expiredThrough) === state.digest) keepBeside(memberId, state.digest, live);
  }
  return member;
}

/** The member's lots (undefined: the member has none): those read beside it, or one Query now. */
export async function loadLotBook(member: Pick<MemberState, 'memberId' | 'lots'>): Promise<LotBook | undefined> {
  if (!member.lots) return undefined;
  const { digest } = member.lots;
  const kept = digest !== undefined ? booksBeside.get(besideKey(member.memberId, digest)) : undefined;
  return kept ? lotBookOf(kept, member.lots) : queryLotBook(member.memberId, member.lots);
}

/**
 * The member's lot scalars with the digest of the lot items once `changes` are written over the
 * `stored` ones (a lot with nothing left is deleted): every transaction that writes lot items or
 * moves the watermark records it, so that the next read can take the lots read beside the member.
 */
export function withDigest(state: MemberLots, stored: readonly PointsLot[], changes: Iterable<PointsLot>): MemberLots {
  const after = new Map(stored.map((lot) => [lot.lotId, lot]));
  for (const lot of changes) after.set(lot.lotId, lot);
  return { ...state, digest: lotItemsDigest([...after.values()], state.expiredThrough) };
}

/** Points as the member sees them at `now`: spendable, pending, the next three expiry dates. */
export async function lotPoints(member: MemberState, now: Date, book?: LotBook): Promise<LotPoints | undefined> {
  const loaded = book ?? (await loadLotBook(member));
  if (!loaded) return undefined;
  return { ...pointsTotals(loaded, now), expiring: nextExpiring(loaded, now, 3, reservedPoints(member)) };
}

/** The spendable balance at `now` (the stored balance for a member without lots). */
export async function spendablePoints(member: MemberState, now: Date): Promise<number> {
  const points = await lotPoints(member, now);
  return points ? points.balance : member.points.balance;
}

/** Use cases that loaded a member's book already hand it over (keyed by memberId): no second Query. */
export type { LoadedBooks };

/**
 * The outcome with its points lots, as a NEW outcome (the use case's is left as it was): the
 * member writes gain their lot scalars, the writes their lot items. Reads only what the lots need:
 * the program's lot rules, and the books of members with lots the use case did not hand over
 * (`lotBooks`); `outcomeWithLots` decides. Refusals (a redemption of pending points) throw the same
 * DomainError as a redemption beyond the balance.
 */
export async function applyLots<R>(decided: Outcome<R>, at: Date): Promise<Outcome<R>> {
  const touched = lotWritesOf(decided);
  // Without a member that has lots or is credited, nothing changes and the program is not needed.
  if (!touched.some((write) => write.member.lots !== undefined || write.entries.some((entry) => entry.points > 0)))
    return decided;
  const rules = lotRulesOf(await currentProgram());
  const books = new Map(decided.lotBooks);
  const missing = touched.filter((write) => write.member.lots !== undefined && !books.has(write.member.memberId));
  const read = await Promise.all(missing.map((write) => loadLotBook(write.member)));
  for (const [index, write] of missing.entries()) {
    const book = read[index];
    if (book) books.set(write.member.memberId, book);
  }
  return outcomeWithLots(decided, at, rules, books);
}

/** The member writes the lots act on: those with point movements, unless the use case applied their lots itself. */
const lotWritesOf = (decided: Pick<Outcome<unknown>, 'members' | 'lotsApplied'>) =>
  decided.members.filter(
    (write) =>
      !decided.lotsApplied?.includes(write.member.memberId) && write.entries.some((entry) => entry.points !== 0),
  );

/**
 * The lots applied to every member write of the outcome, given the lot rules and the books read
 * (pure: a new outcome, nothing of `decided` changed). Earn entries gain `pointsAvailableAt` and
 * every entry's `balance.points` is what was spendable after it; the events that carry a
 * transaction, and the result that answers with an entry (itself or as one of its fields: an
 * earn's entry, a redemption's `{ entry, code }`), carry the annotated entry.
 */
export function outcomeWithLots<R>(
  decided: Outcome<R>,
  at: Date,
  rules: LotRules,
  books: ReadonlyMap<string, LotBook>,
): Outcome<R> {
  const touched = new Set(lotWritesOf(decided));
  if (touched.size === 0) return decided;
  const writes: ConditionalWrite[] = [...decided.writes];
  let used =
    decided.members.reduce((sum, write) => sum + 1 + write.entries.length, 0) +
    decided.writes.length +
    decided.events.length +
    1; // the idempotency record
  const annotated = new Map<LedgerEntry, LedgerEntry>();
  const members = decided.members.map((write): MemberWrite => {
    if (!touched.has(write)) return write;
    const credits = write.entries.some((entry) => entry.points > 0);
    if (!write.member.lots && (!credits || (rules.holdDays === 0 && !rules.lotExpiry))) return write;
    const budget = () => Math.max(0, Math.min(MAX_LOT_WRITES, MAX_TRANSACTION_ITEMS - used));
    const applied = lotsOfMember(write, at, rules, books.get(write.member.memberId), budget);
    used += applied.writes.length;
    writes.push(...applied.writes.map((item) => ({ item }) satisfies ConditionalWrite));
    for (const [index, entry] of write.entries.entries()) {
      const after = applied.entries[index];
      if (after) annotated.set(entry, after);
    }
    return { ...write, member: { ...write.member, lots: applied.state }, entries: applied.entries };
  });
  // Events carry the transaction as the API shows it: rebuilt from the entries the lots annotated.
  const byTransaction = new Map(
    [...touched].flatMap((write) => write.entries.map((entry) => [entry.transactionId, annotated.get(entry) ?? entry])),
  );
  const events = decided.events.map((event) => {
    const entry = byTransaction.get(String(event.data.transactionId));
    // Only an event whose data IS the transaction (it carries the balances); others may name one (campaign.applied).
    return entry && event.data.balance !== undefined ? { ...event, data: toTransaction(entry) } : event;
  });
  return {
    ...decided,
    members,
    writes,
    events,
    result: withAnnotated(decided.result, annotated),
    ...(decided.replayResult !== undefined ? { replayResult: withAnnotated(decided.replayResult, annotated) } : {}),
  };
}

/** A result with the annotated entries in place of the ones posted: the result itself, or its fields. */
function withAnnotated<R>(result: R, annotated: ReadonlyMap<unknown, LedgerEntry>): R {
  if (annotated.size === 0 || typeof result !== 'object' || result === null) return result;
  const whole = annotated.get(result);
  if (whole) return whole as R;
  if (Array.isArray(result)) return result;
  let swapped = false;
  const fields = Object.entries(result).map(([name, value]) => {
    const entry = annotated.get(value);
    swapped ||= entry !== undefined;
    return [name, entry ?? value] as const;
  });
  return swapped ? (Object.fromEntries(fields) as R) : result;
}

interface Applied {
  writes: ReturnType<typeof lotWrite>[];
  state: MemberLots;
  /** The write's entries, annotated: earns with `pointsAvailableAt`, each with the spendable balance after it. */
  entries: LedgerEntry[];
}

function lotsOfMember(
  write: MemberWrite,
  at: Date,
  rules: LotRules,
  loaded: LotBook | undefined,
  budget: () => number,
): Applied {
  const memberId = write.member.memberId;
  const now = at.toISOString();
  const lotChanges = new Map<string, PointsLot>();
  let state: MemberLots;
  let book: LotBook;
  let stored: readonly PointsLot[] = [];
  if (write.member.lots) {
    state = write.member.lots;
    book = loaded ?? { lots: [], owed: state.owed };
    stored = book.lots;
  } else {
    // The first lot: what the member had becomes one never-expiring, available lot (or a debt).
    const opening = write.member.points.balance - write.entries.reduce((sum, entry) => sum + entry.points, 0);
    state = { owed: opening < 0 ? -opening : 0, announcedThrough: now };
    book = { lots: [], owed: state.owed };
    if (opening > 0) {
      const lot: PointsLot = {
        lotId: `opening-${write.expectedVersion ?? 0}`,
        points: opening,
        remaining: opening,
        availableAt: write.member.createdAt,
      };
      book = creditLot(book, lot);
      lotChanges.set(lot.lotId, lot);
    }
  }
  const room = () => Math.max(0, budget() - lotChanges.size);
  // Points held for codes charged at use (after this write): not spendable by a redemption.
  const reserved = write.member.points.reserved ?? 0;
  const take = (plan: LotPlan) => {
    book = plan.book;
    for (const lot of plan.writes) lotChanges.set(lot.lotId, lot);
  };
  const entries = write.entries.map((entry): LedgerEntry => {
    let availableAt: string | undefined;
    if (entry.points > 0) {
      const lot = newLot(rules, {
        lotId: entry.transactionId,
        points: entry.points,
        creditedAt: now,
        ...(entry.orderId !== undefined && entry.type === 'earn' ? { orderId: entry.orderId } : {}),
        ...(entry.type === 'earn' && entry.occurredAt !== undefined ? { holdFrom: entry.occurredAt } : {}),
      });
      book = creditLot(book, lot);
      lotChanges.set(lot.lotId, book.lots.at(-1) ?? lot);
      if (entry.type === 'earn') availableAt = lot.availableAt;
    } else if (entry.points < 0) {
      take(debit(book, entry, at, room(), reserved));
    }
    const totals = pointsTotals(book, at);
    return {
      ...entry,
      ...(availableAt !== undefined ? { pointsAvailableAt: availableAt } : {}),
      balance: { ...entry.balance, points: totals.balance - reserved },
    };
  });
  const totals = pointsTotals(book, at);
  // The ledger is the truth: what the lots hold must be what the ledger sums to.
  if (totals.balance + totals.pending !== write.member.points.balance) {
    throw new Error(
      `lots of member ${memberId} hold ${totals.balance + totals.pending} points, the ledger ${write.member.points.balance}`,
    );
  }
  const { keptForCodes: _kept, ...unkept } = state;
  const next: MemberLots = {
    ...unkept,
    owed: book.owed,
    ...(book.expiredThrough !== undefined ? { expiredThrough: book.expiredThrough } : {}),
    ...(book.clearedThrough !== undefined ? { clearedThrough: book.clearedThrough } : {}),
    ...(book.clearings !== undefined ? { clearings: book.clearings } : {}),
    ...(book.keptForCodes !== undefined ? { keptForCodes: book.keptForCodes } : {}),
  };
  const dueAt = nextLotDueAt(book, next, rules, at);
  if (dueAt === undefined) delete next.dueAt;
  else next.dueAt = dueAt;
  return {
    writes: [...lotChanges.values()].map((lot) => lotWrite(memberId, lot)),
    state: withDigest(next, stored, lotChanges.values()),
    entries,
  };
}

/**
 * A debit of the ledger as the lots take it; `reserved`: the points still reserved for codes after
 * the write (an expiry spares them; a use's charge takes the kept points the reservation released).
 */
function debit(book: LotBook, entry: LedgerEntry, at: Date, room: number, reserved: number): LotPlan {
  const points = -entry.points;
  if (entry.type === 'redeem' || entry.type === 'adjustment') {
    const spendable = pointsTotals(book, at).balance - reserved;
    if (spendable >= 0 && spendable < points)
      throw new DomainError('insufficient-points', `The balance is ${spendable} points; ${points} were asked.`);
  }
  if (entry.type === 'refund' && entry.orderId !== undefined)
    return planLotRefund(book, entry.orderId, points, at, room);
  if (entry.type === 'expiry') {
    const rule = (name: string) => entry.breakdown?.some((line) => line.rule === name) ?? false;
    const plan = rule(RESERVATION_ENDED)
      ? planKeptExpiry(book, reserved)
      : rule('inactivity')
        ? planInactivityExpiry(book, at, reserved)
        : planLotExpiry(book, at, reserved);
    if ((plan.movement?.points ?? 0) !== entry.points)
      throw new Error(`an expiry of ${entry.points} points does not match the lots (${plan.movement?.points ?? 0})`);
    return { book: plan.book, writes: [] };
  }
  const fromKept = spendKept(book, points, reserved);
  if (fromKept.points === 0) return { book: fromKept.book, writes: [] };
  return planRedemption(fromKept.book, fromKept.points, at, room);
}

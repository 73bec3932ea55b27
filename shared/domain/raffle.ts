import type { ProgramRules } from '@shared/schemas/program';
import { DomainError, type FieldError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import type { Money } from './money';
import { drawWinners, type MemberEntries, type RaffleWinner } from './raffle-draw';
import { redeemPointsMovement } from './redeem';
import { qualifyingSpend, tierFor, tierRank } from './tiers';

/**
 * Raffles: the rules an admin states, how members get entries (purchases in the window,
 * points) and the draw's bookkeeping. The window is half-open, [opensAt, closesAt), like
 * promotions and reward availability; purchases are judged by their `occurredAt`.
 */

export interface RafflePrize {
  prizeId: string;
  name: string;
  quantity: number;
}

export interface RaffleRules {
  name: string;
  opensAt: string;
  closesAt: string;
  entries: {
    /** One entry per this much spent in one purchase (⌊amount / perAmount⌋). */
    perAmount?: Money;
    pointsPerEntry?: number;
    /** Entries of one member from purchases and points together. */
    maxPerMember?: number;
  };
  prizes: RafflePrize[];
  /** Lowest tier id that may take part (early access for loyal members). */
  minTier?: string;
}

export interface RaffleState extends RaffleRules {
  raffleId: string;
  /** Secret until the draw: never in an API answer or a log before `draw` is set. */
  seed: string;
  seedHash: string;
  createdAt: string;
  updatedAt: string;
  /**
   * Set by the draw's first step, from `closesAt` on: no entry is added or taken back after it,
   * so the entries the draw reads are the entries it publishes (see `closeRaffleEntries` in shared/store).
   */
  entriesClosedAt?: string;
  draw?: { drawnAt: string; winners: RaffleWinner[] };
}

/**
 * Prize units of one raffle, all prizes together: the winners are kept on the raffle's one
 * item and answered in one response, so their number is bounded (2,000 × ≤ 80 bytes stored).
 */
export const MAX_PRIZE_UNITS = 2_000;

/**
 * Raffles taking purchase entries whose windows overlap: an earn writes two items per raffle
 * its purchase falls in (the entries and a check on the raffle) to its one transaction, whose
 * room is 100 items, so an admin may not have more than this many overlap.
 */
export const MAX_OVERLAPPING_PURCHASE_RAFFLES = 10;

/** Entries neither come nor go: the draw has started (or is done). */
export function entriesClosed(raffle: Pick<RaffleState, 'entriesClosedAt' | 'draw'>): boolean {
  return raffle.draw !== undefined || raffle.entriesClosedAt !== undefined;
}

export type RaffleStatus = 'scheduled' | 'open' | 'closed' | 'drawn';

export function raffleStatus(raffle: Pick<RaffleState, 'opensAt' | 'closesAt' | 'draw'>, now: Date): RaffleStatus {
  if (raffle.draw) return 'drawn';
  if (now.getTime() < Date.parse(raffle.opensAt)) return 'scheduled';
  return now.getTime() < Date.parse(raffle.closesAt) ? 'open' : 'closed';
}

function inWindow(raffle: Pick<RaffleRules, 'opensAt' | 'closesAt'>, at: string | Date): boolean {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return t >= Date.parse(raffle.opensAt) && t < Date.parse(raffle.closesAt);
}

/**
 * What the schema cannot say by field alone: the window ends after it starts, there is a way
 * to get entries, prize ids are unique. Paths are relative to the body. The PUT schema runs
 * this, so a bad raffle is a 400 listing every problem.
 */
export function raffleRulesProblems(rules: RaffleRules): FieldError[] {
  const problems: FieldError[] = [];
  if (Date.parse(rules.closesAt) <= Date.parse(rules.opensAt)) {
    problems.push({ path: 'closesAt', message: 'must be after opensAt' });
  }
  if (rules.entries.perAmount === undefined && rules.entries.pointsPerEntry === undefined) {
    problems.push({
      path: 'entries',
      message: 'must allow entries from purchases (perAmount) or points (pointsPerEntry)',
    });
  }
  const seen = new Set<string>();
  rules.prizes.forEach((prize, i) => {
    if (seen.has(prize.prizeId)) problems.push({ path: `prizes.${i}.prizeId`, message: 'must not repeat a prizeId' });
    seen.add(prize.prizeId);
    if (!Number.isInteger(prize.quantity) || prize.quantity < 1) {
      problems.push({ path: `prizes.${i}.quantity`, message: 'must be an integer of at least 1' });
    }
  });
  const units = rules.prizes.reduce((sum, prize) => sum + prize.quantity, 0);
  if (units > MAX_PRIZE_UNITS) {
    problems.push({ path: 'prizes', message: `must hold at most ${MAX_PRIZE_UNITS} units in all (${units} given)` });
  }
  return problems;
}

/** Checks against the program: the purchase threshold in its currency, a tier it has. */
export function assertRaffleFitsProgram(rules: RaffleRules, program: Pick<ProgramRules, 'currency' | 'tiers'>): void {
  const perAmount = rules.entries.perAmount;
  if (perAmount && perAmount.currency !== program.currency) {
    throw new DomainError(
      'currency-mismatch',
      `The program runs in ${program.currency}; ${perAmount.currency} is not accepted.`,
      [{ path: 'body.entries.perAmount.currency', message: `must be ${program.currency}` }],
    );
  }
  if (rules.minTier !== undefined && tierRank(program, rules.minTier) < 0) {
    throw new DomainError('unknown-tier', `The program has no tier ${rules.minTier}.`, [
      { path: 'body.minTier', message: `must be one of ${program.tiers.map((t) => t.id).join(', ')}` },
    ]);
  }
}

/**
 * A raffle taking purchase entries must leave every earn room in its transaction: refused when
 * `MAX_OVERLAPPING_PURCHASE_RAFFLES` others that take purchase entries (not drawn yet) overlap
 * its window. Counting every overlapping raffle is stricter than needed (they need not all
 * overlap at one instant) but simple to state.
 */
export function assertRoomForPurchaseEntries(
  raffleId: string,
  rules: Pick<RaffleRules, 'opensAt' | 'closesAt' | 'entries'>,
  others: readonly Pick<RaffleState, 'raffleId' | 'opensAt' | 'closesAt' | 'entries' | 'entriesClosedAt' | 'draw'>[],
): void {
  if (!rules.entries.perAmount) return;
  const overlapping = others.filter(
    (other) =>
      other.raffleId !== raffleId &&
      other.entries.perAmount !== undefined &&
      !entriesClosed(other) &&
      Date.parse(other.opensAt) < Date.parse(rules.closesAt) &&
      Date.parse(rules.opensAt) < Date.parse(other.closesAt),
  );
  if (overlapping.length >= MAX_OVERLAPPING_PURCHASE_RAFFLES) {
    throw new DomainError(
      'raffle-limit',
      `${overlapping.length} raffles taking purchase entries overlap this window; at most ` +
        `${MAX_OVERLAPPING_PURCHASE_RAFFLES} may.`,
      [{ path: 'body.opensAt', message: 'overlaps too many raffles that take purchase entries' }],
    );
  }
}

/** The rules with times in one canonical form, so that equal instants compare equal. */
export function canonicalRules(rules: RaffleRules): RaffleRules {
  const { perAmount, pointsPerEntry, maxPerMember } = rules.entries;
  return {
    name: rules.name,
    opensAt: new Date(rules.opensAt).toISOString(),
    closesAt: new Date(rules.closesAt).toISOString(),
    entries: {
      ...(perAmount ? { perAmount: { value: perAmount.value, currency: perAmount.currency } } : {}),
      ...(pointsPerEntry !== undefined ? { pointsPerEntry } : {}),
      ...(maxPerMember !== undefined ? { maxPerMember } : {}),
    },
    prizes: rules.prizes.map((p) => ({ prizeId: p.prizeId, name: p.name, quantity: p.quantity })),
    ...(rules.minTier !== undefined ? { minTier: rules.minTier } : {}),
  };
}

/** Everything but the name: what members were promised once the raffle opened. */
function terms(rules: RaffleRules): string {
  return JSON.stringify({ ...canonicalRules(rules), name: '' });
}

export type RaffleReplace =
  | { kind: 'create'; rules: RaffleRules }
  | { kind: 'update'; rules: RaffleRules }
  | { kind: 'unchanged'; rules: RaffleRules };

/**
 * A PUT of a raffle. Before it opens, anything may change. From `opensAt` on, members hold
 * entries earned under its terms (and the entries of purchases depend on perAmount and the
 * window), so only `name` may change: anything else is refused and nothing is saved.
 */
export function planRaffleReplace(existing: RaffleState | undefined, next: RaffleRules, now: Date): RaffleReplace {
  const rules = canonicalRules(next);
  if (!existing) return { kind: 'create', rules };
  if (JSON.stringify(canonicalRules(existing)) === JSON.stringify(rules)) return { kind: 'unchanged', rules };
  if (now.getTime() >= Date.parse(existing.opensAt) && terms(existing) !== terms(rules)) {
    throw new DomainError(
      'raffle-rules-locked',
      `Raffle ${existing.raffleId} opened at ${existing.opensAt}; only its name may change now.`,
    );
  }
  return { kind: 'update', rules };
}

function tierAllows(
  raffle: Pick<RaffleRules, 'minTier'>,
  program: Pick<ProgramRules, 'tiers'>,
  tierId: string,
): boolean {
  if (raffle.minTier === undefined) return true;
  const required = tierRank(program, raffle.minTier);
  // A tier the program no longer has: nobody qualifies until the admin fixes the raffle.
  return required >= 0 && tierRank(program, tierId) >= required;
}

function roomLeft(raffle: Pick<RaffleRules, 'entries'>, held: number): number {
  const max = raffle.entries.maxPerMember;
  return max === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, max - held);
}

/**
 * Entries a purchase adds: ⌊amount / perAmount⌋ when its `occurredAt` is in the window, capped
 * so that the member holds at most `maxPerMember`. None after the draw (a till reporting late
 * cannot change a published draw), none below `minTier` (`tierId` is the tier the purchase
 * earns at), none when the raffle takes no purchases or the currency differs.
 */
export function entriesFromPurchase(
  raffle: Pick<RaffleState, 'opensAt' | 'closesAt' | 'entries' | 'minTier' | 'entriesClosedAt' | 'draw'>,
  purchase: { amount: Money; occurredAt: string },
  context: { held: number; tierId: string; program: Pick<ProgramRules, 'tiers'> },
): number {
  const perAmount = raffle.entries.perAmount;
  if (!perAmount || perAmount.value <= 0 || entriesClosed(raffle)) return 0;
  if (purchase.amount.currency !== perAmount.currency || !inWindow(raffle, purchase.occurredAt)) return 0;
  if (!tierAllows(raffle, context.program, context.tierId)) return 0;
  return Math.min(Math.floor(purchase.amount.value / perAmount.value), roomLeft(raffle, context.held));
}

/**
 * Entries a refund takes back from an order, before the draw: the order keeps the entries its
 * remaining amount still pays for, never more than it got (entries capped by `maxPerMember`
 * stay as long as the remaining amount covers them). After the draw nothing is taken back.
 */
export function entriesTakenBackByRefund(
  raffle: Pick<RaffleState, 'entries' | 'entriesClosedAt' | 'draw'>,
  order: { amount: number; refunded: number; entries: number },
): number {
  const perAmount = raffle.entries.perAmount;
  if (entriesClosed(raffle) || !perAmount || perAmount.value <= 0 || order.entries <= 0) return 0;
  const remaining = Math.max(0, order.amount - order.refunded);
  const kept = Math.min(order.entries, Math.floor(remaining / perAmount.value));
  return order.entries - kept;
}

export interface EntriesPurchase {
  raffleId: string;
  entries: number;
  points: number;
  /** The `redeem` ledger entry, carrying `raffleId`. */
  movement: Movement;
}

/**
 * Buying `count` entries with points, checked in the order a member would want to hear:
 * the raffle is open, it sells entries, the member's tier may take part, the entries fit
 * under `maxPerMember`, and the balance covers count × pointsPerEntry.
 */
export function buyEntriesWithPoints(
  raffle: RaffleState,
  member: MemberState,
  count: number,
  context: { held: number; program: Pick<ProgramRules, 'tiers'>; now: Date },
): EntriesPurchase {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const status = raffleStatus(raffle, context.now);
  // Entries closed by a draw whose clock ran a little ahead of ours: closed all the same.
  if (status !== 'open' || raffle.entriesClosedAt !== undefined) {
    const why = status === 'scheduled' ? `opens at ${raffle.opensAt}` : `closed at ${raffle.closesAt}`;
    throw new DomainError('raffle-not-open', `Raffle ${raffle.raffleId} ${why}.`);
  }
  const pointsPerEntry = raffle.entries.pointsPerEntry;
  if (pointsPerEntry === undefined) {
    throw new DomainError('raffle-points-not-accepted', `Raffle ${raffle.raffleId} gives entries for purchases only.`);
  }
  const tier = tierFor(context.program, qualifyingSpend(member, context.now)).tier;
  if (!tierAllows(raffle, context.program, tier.id)) {
    throw new DomainError(
      'tier-too-low',
      `Raffle ${raffle.raffleId} is for tier ${raffle.minTier ?? ''} and above; the member is ${tier.id}.`,
    );
  }
  const room = roomLeft(raffle, context.held);
  if (count > room) {
    throw new DomainError(
      'raffle-entry-limit',
      `The member holds ${context.held} of at most ${raffle.entries.maxPerMember ?? ''} entries; ${count} more do not fit.`,
      [{ path: 'body.count', message: `must be at most ${room}` }],
    );
  }
  const points = count * pointsPerEntry;
  const movement = redeemPointsMovement(member, points, { raffleId: raffle.raffleId });
  return { raffleId: raffle.raffleId, entries: count, points, movement };
}

/**
 * The draw, once: only from `closesAt` on, and a raffle already drawn answers its first
 * draw (the same winners, whatever the entries look like now). `entries` is the list the
 * admin entries route publishes, so anyone can re-run the draw from it.
 */
export function drawRaffle(
  raffle: RaffleState,
  entries: readonly MemberEntries[],
  now: Date,
): { drawnAt: string; winners: RaffleWinner[]; first: boolean } {
  if (raffle.draw) return { ...raffle.draw, first: false };
  if (now.getTime() < Date.parse(raffle.closesAt)) {
    throw new DomainError('raffle-not-closed', `Raffle ${raffle.raffleId} can be drawn from ${raffle.closesAt}.`);
  }
  return { drawnAt: now.toISOString(), winners: drawWinners(raffle.seed, entries, raffle.prizes), first: true };
}

/** What the API shows of a raffle: the seed only once the draw revealed it. */
export function raffleView(raffle: RaffleState, now: Date) {
  const { seed, draw, entriesClosedAt: _entriesClosedAt, ...rules } = raffle;
  return {
    ...rules,
    status: raffleStatus(raffle, now),
    ...(draw ? { seed, drawnAt: draw.drawnAt, winners: draw.winners } : {}),
  };
}

/** What one winning member won: the prize units, in draw order. */
export interface MemberWin {
  memberId: string;
  won: { prizeId: string; entry: number }[];
}

/** The winners by member, in the order each member first won (deterministic for a draw). */
export function winsByMember(winners: readonly RaffleWinner[]): MemberWin[] {
  const byMember = new Map<string, MemberWin>();
  for (const { memberId, prizeId, entry } of winners) {
    const win = byMember.get(memberId) ?? { memberId, won: [] };
    win.won.push({ prizeId, entry });
    byMember.set(memberId, win);
  }
  return [...byMember.values()];
}

/**
 * Winning members per announcement: each member's `raffle.won` takes two items of a
 * transaction (the member's sequence moved on, the event) and the batch one more (its marker),
 * so 49 members fill 99 of the 100 items. Changing this number would re-cut the batches of a
 * draw being announced; it is part of the stored format.
 */
export const WINS_PER_ANNOUNCEMENT = 49;

/** The announcements of a draw: batch `index` holds the members [index × size, (index + 1) × size). */
export function announcementBatches(wins: readonly MemberWin[]): { index: number; wins: MemberWin[] }[] {
  const batches: { index: number; wins: MemberWin[] }[] = [];
  for (let start = 0; start < wins.length; start += WINS_PER_ANNOUNCEMENT) {
    batches.push({ index: batches.length, wins: wins.slice(start, start + WINS_PER_ANNOUNCEMENT) });
  }
  return batches;
}

/**
 * The `raffle.won` data of one member: the units won and, when they fit one event (a member
 * holding many tickets may win hundreds of units), each unit's prize and ticket. When they do
 * not, `won` is left out and the raffle's published winners (GET /v1/raffles/{id}) list them;
 * a raffle name too long for the event (200 characters of 4 UTF-8 bytes) is left out too.
 */
export function raffleWonData(
  raffle: Pick<RaffleState, 'raffleId' | 'name'>,
  win: MemberWin,
  budgetBytes: number,
): Record<string, unknown> {
  const fits = (data: object) => new TextEncoder().encode(JSON.stringify(data)).length <= budgetBytes;
  const least = { raffleId: raffle.raffleId, memberId: win.memberId, units: win.won.length };
  const named = { ...least, name: raffle.name };
  const full = { ...named, won: win.won };
  if (fits(full)) return full;
  return fits(named) ? named : least;
}

/** One row of a member's raffles: the entries held and the prize units won. */
export function memberRaffleView(raffle: Pick<RaffleState, 'raffleId' | 'draw'>, memberId: string, entries: number) {
  const won = (raffle.draw?.winners ?? []).filter((w) => w.memberId === memberId).map((w) => ({ prizeId: w.prizeId }));
  return { raffleId: raffle.raffleId, entries, won };
}

import type { Program, ProgramRules } from '@shared/schemas/program';
import { remainingBasket, type OrderBasket } from './basket-order';
import { WHOLE, type Basket } from './basket-rules';
import { timeZoneOf } from './basket-earn';
import { cashbackRateFor } from './cashback';
import { earnBasis, pointsForBasket, withBirthdayBonusYear } from './earn';
import type { MemberState } from './member';
import { basisPointsOf, proportionalShare } from './money';
import { recordPurchase, type OrderState } from './order';
import { countRuleUses, ruleAllowed } from './rule-limits';
import { qualifyingSpend, tierFor } from './tiers';

/**
 * Replaying a member's recorded purchases through a program (issue #28): the SAME pure functions
 * that decide a live earn (`earnBasis`, `pointsForBasket`, `ruleAllowed`, `countRuleUses`,
 * `recordPurchase`, `cashbackRateFor`) fold the member's orders in time order, once under the
 * versions that were in force (`current`) and once under a draft (`draft`), each with its own
 * member state, so tier moves, first purchases, birthday bonuses and per-member rule limits
 * evolve as they would have. Nothing here reads or writes: the caller hands in the orders.
 *
 * What the replay takes as given (written down in shared/README.md):
 * - every order of the member is folded from the first, but only those with
 *   `from ≤ occurredAt < to` are counted in the figures (earlier ones build the member's tier
 *   spend, purchase count, birthday year and rule uses);
 * - an order counts net of its refunds (its remaining basket, its spend less what was refunded),
 *   at its occurredAt, as if reported on time;
 * - points are replayed for every order (live earns and imported history); cashback for the
 *   orders the member was credited cashback for;
 * - the share excluded tenders left (tenders are not stored) is the one recorded with the order;
 * - a rule's program-wide budget is shared by every member, who are replayed apart: budgets do
 *   not cap the replay (per-member limits do).
 */

/** A program and the version it is (a draft is version 0). */
export type ProgramVersion = ProgramRules & Pick<Program, 'version' | 'updatedAt'>;

export interface ReplayFigures {
  points: number;
  /** Cashback in minor units of the program's currency. */
  cashback: number;
  /** Points by breakdown rule (`base`, `tier:gold`, `rule:coffee`, …). */
  byRule: Record<string, number>;
  /** Members per tier id at `to`. */
  tiers: Record<string, number>;
}

export interface ReplayResult {
  /** Orders with `from ≤ occurredAt < to` replayed. */
  purchases: number;
  /** Members with at least one such order. */
  members: number;
  current: ReplayFigures;
  draft: ReplayFigures;
}

export interface ReplayPeriod {
  from: string;
  to: string;
}

export const emptyFigures = (): ReplayFigures => ({ points: 0, cashback: 0, byRule: {}, tiers: {} });
export const emptyResult = (): ReplayResult => ({
  purchases: 0,
  members: 0,
  current: emptyFigures(),
  draft: emptyFigures(),
});

/**
 * The versions as they were saved, oldest first: the one in force at an instant is the last saved
 * at or before it (the first when the instant is older than every version).
 */
export class ProgramHistory {
  private readonly versions: ProgramVersion[];
  private readonly byVersion: Map<number, ProgramVersion>;

  constructor(versions: readonly ProgramVersion[]) {
    if (versions.length === 0) throw new RangeError('a program history has at least one version');
    this.versions = [...versions].sort((a, b) => a.version - b.version);
    this.byVersion = new Map(this.versions.map((program) => [program.version, program]));
  }

  inForceAt(at: string): ProgramVersion {
    let found = this.versions[0] as ProgramVersion;
    for (const program of this.versions) if (program.updatedAt <= at) found = program;
    return found;
  }

  /**
   * The version an order earned under: the one its basket names (a live earn), else the one in
   * force when it was recorded; imported history earned under none: the one in force when it occurred.
   */
  forOrder(order: Pick<OrderState, 'recordedAt' | 'occurredAt' | 'imported' | 'basket'>): ProgramVersion {
    const named = order.basket && !order.imported ? this.byVersion.get(order.basket.programVersion) : undefined;
    return named ?? this.inForceAt(order.imported ? order.occurredAt : order.recordedAt);
  }
}

/** A member as the replay starts it: as enrolled, with no purchase yet; only the birthday matters to earning. */
export function replayMember(memberId: string, birthday: string | undefined): MemberState {
  return {
    memberId,
    status: 'active',
    createdAt: '1970-01-01T00:00:00.000Z',
    referralCode: '',
    profile: birthday ? { birthday } : {},
    consent: { marketing: false, analytics: false },
    version: 0,
    points: { balance: 0, lifetimeEarned: 0, lifetimeRedeemed: 0 },
    cashback: { available: 0, pending: [] },
    purchases: { count: 0, spendByDay: {} },
  };
}

/** What is left of an order to replay: its basket net of refunds (the order total alone for a v1.1 order). */
function replayBasket(order: OrderState): { basket: Basket; share: OrderBasket['share'] } {
  if (!order.basket)
    return { basket: { amount: order.amount - order.refunded, occurredAt: order.occurredAt }, share: WHOLE };
  return { basket: remainingBasket(order, order.basket, order.basket.lines), share: order.basket.share };
}

interface Replayed {
  member: MemberState;
  points: number;
  cashback: number;
  breakdown: { rule: string; points: number }[];
}

/** One purchase under one program, as a live earn (and its cashback) decides it at occurredAt. */
function replayPurchase(program: ProgramRules, member: MemberState, order: OrderState): Replayed {
  const at = new Date(order.occurredAt);
  const timeZone = timeZoneOf(program);
  const { basket, share } = replayBasket(order);
  const basis = earnBasis(program, member, order.occurredAt, at);
  const earned = pointsForBasket(
    program,
    { ...basis, allowed: (rule) => ruleAllowed(member.ruleUses, rule, order.occurredAt, timeZone) },
    basket,
    share,
  );
  let cashback = 0;
  if (order.cashback) {
    const credited = basisPointsOf(order.amount, cashbackRateFor(program, member, undefined, at));
    cashback = credited - proportionalShare(credited, order.refunded, order.amount);
  }
  const counted = recordPurchase(member, { ...order, amount: order.amount - order.refunded }, at);
  const next = countRuleUses(
    withBirthdayBonusYear(counted, earned.birthdayBonusYear),
    program.rules ?? [],
    earned.rules,
    order.occurredAt,
    timeZone,
    at,
  );
  return { member: next, points: earned.points, cashback, breakdown: earned.breakdown };
}

function addTo(figures: ReplayFigures, replayed: Replayed): void {
  figures.points += replayed.points;
  figures.cashback += replayed.cashback;
  for (const line of replayed.breakdown)
    if (line.points !== 0) figures.byRule[line.rule] = (figures.byRule[line.rule] ?? 0) + line.points;
}

const byOccurrence = (a: OrderState, b: OrderState) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.orderId < b.orderId ? -1 : 1;

/**
 * One member's orders replayed under the versions in force and under the draft. Orders may come
 * in any order (they are sorted by occurredAt, then orderId); those from `to` on are left out.
 */
export function replayMemberHistory(input: {
  memberId: string;
  birthday?: string | undefined;
  orders: readonly OrderState[];
  history: ProgramHistory;
  draft: ProgramRules;
  period: ReplayPeriod;
}): ReplayResult {
  const { history, draft, period } = input;
  const result = emptyResult();
  const orders = input.orders.filter((order) => order.occurredAt < period.to).sort(byOccurrence);
  let current = replayMember(input.memberId, input.birthday);
  let drafted = current;
  for (const order of orders) {
    const counted = order.occurredAt >= period.from;
    const underCurrent = replayPurchase(history.forOrder(order), current, order);
    const underDraft = replayPurchase(draft, drafted, order);
    current = underCurrent.member;
    drafted = underDraft.member;
    if (!counted) continue;
    result.purchases += 1;
    addTo(result.current, underCurrent);
    addTo(result.draft, underDraft);
  }
  if (result.purchases === 0) return result;
  result.members = 1;
  const end = new Date(period.to);
  const tierAt = (program: ProgramRules, member: MemberState) => tierFor(program, qualifyingSpend(member, end)).tier.id;
  result.current.tiers[tierAt(history.inForceAt(period.to), current)] = 1;
  result.draft.tiers[tierAt(draft, drafted)] = 1;
  return result;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

/** The sum of replays (members, partitions): every figure adds, so the order of summing does not matter. */
export function sumReplays(results: readonly ReplayResult[]): ReplayResult {
  const total = emptyResult();
  for (const result of results) {
    total.purchases += result.purchases;
    total.members += result.members;
    for (const side of ['current', 'draft'] as const) {
      total[side].points += result[side].points;
      total[side].cashback += result[side].cashback;
      addCounts(total[side].byRule, result[side].byRule);
      addCounts(total[side].tiers, result[side].tiers);
    }
  }
  for (const side of ['current', 'draft'] as const) {
    total[side].byRule = sortedKeys(total[side].byRule);
    total[side].tiers = sortedKeys(total[side].tiers);
  }
  return total;
}

/** Keys in one order whatever order the parts came in, so two runs answer the same text. */
function sortedKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The longest period a simulation replays. */
export const SIMULATION_MAX_DAYS = 400;

import type { EarnExclude, Rule } from '@shared/schemas/rules';
import { localTime, minutesOf } from './local-time';

/**
 * Basket-aware earning rules, as pure functions. Amounts are integer minor units.
 *
 * Rounding: a rule's points are computed on the SUM of the lines it counts, in integers, and
 * rounded down once (BigInt where a product could pass 2^53). So splitting a line in two,
 * or listing the lines in another order, never changes the points.
 */

export interface PurchaseLine {
  lineId: string;
  sku: string;
  categories?: string[] | undefined;
  quantity: number;
  /** The line's total after its discounts (minor units). */
  amount: number;
}

export interface PurchaseTender {
  type: string;
  amount: number;
}

/** The basket an earn is computed on: the order as sent (or what remains of it after refunds). */
export interface Basket {
  /** The order total in minor units (without lines: what earns before excluded tenders). */
  amount: number;
  occurredAt: string;
  lines?: PurchaseLine[] | undefined;
  channel?: string | undefined;
  storeId?: string | undefined;
}

/**
 * The share of the eligible lines' money that earns: the part paid with an excluded tender is
 * taken off the eligible lines in proportion to their amounts, i.e. every eligible minor unit
 * earns `num / den` of itself. Kept on the order, so a refund recomputes with the same share.
 */
export interface PaidShare {
  num: number;
  den: number;
}

export const WHOLE: PaidShare = { num: 1, den: 1 };

export function isExcludedLine(exclude: EarnExclude | undefined, line: Pick<PurchaseLine, 'sku' | 'categories'>) {
  if (!exclude) return false;
  if (exclude.skus?.includes(line.sku)) return true;
  return (line.categories ?? []).some((category) => exclude.categories?.includes(category));
}

/** The lines that earn (not excluded by SKU or category); undefined for an order without lines. */
export function eligibleLines(exclude: EarnExclude | undefined, lines: PurchaseLine[] | undefined) {
  return lines?.filter((line) => !isExcludedLine(exclude, line));
}

/** The eligible lines' total (minor units) before excluded tenders; the order amount without lines. */
export function eligibleLinesTotal(exclude: EarnExclude | undefined, basket: Pick<Basket, 'amount' | 'lines'>) {
  const lines = eligibleLines(exclude, basket.lines);
  return lines ? lines.reduce((sum, line) => sum + line.amount, 0) : basket.amount;
}

/** The share that earns once excluded tenders are taken off the eligible lines (never below nothing). */
export function paidShare(
  exclude: EarnExclude | undefined,
  basket: Pick<Basket, 'amount' | 'lines'>,
  tenders: PurchaseTender[] | undefined,
): PaidShare {
  const excludedTenders = (tenders ?? [])
    .filter((tender) => exclude?.tenders?.includes(tender.type as never))
    .reduce((sum, tender) => sum + tender.amount, 0);
  if (excludedTenders === 0) return WHOLE;
  const eligible = eligibleLinesTotal(exclude, basket);
  if (eligible === 0) return { num: 0, den: 1 };
  return { num: Math.max(0, eligible - excludedTenders), den: eligible };
}

/** floor(a × b × c / d) of non-negative integers, exact at any size. */
export function floorProduct(factors: number[], divisor: number): number {
  const product = factors.reduce((acc, factor) => acc * factor, 1);
  if (Number.isSafeInteger(product)) return Math.floor(product / divisor);
  return Number(factors.reduce((acc, factor) => acc * BigInt(factor), 1n) / BigInt(divisor));
}

/** What a rule's evaluation needs beyond the basket and the program. */
export interface RuleGate {
  timeZone: string;
  tierId: string;
  firstPurchase: boolean;
  /** Whether the member is in the segment (a rule's `when.segments` holds when it is in at least one). */
  inSegment: (segmentId: string) => boolean;
  /** Base points per major unit and minor units per major unit (the base the multipliers scale). */
  pointsPerUnit: number;
  minorPerMajor: number;
  share: PaidShare;
  /** Whether the member's limits let the rule apply (an earn: its counts; a refund: it applied at the earn). */
  allowed: (rule: Rule) => boolean;
  /** The most points the rule may still give (what its budget has left), undefined without a cap. */
  cap: (rule: Rule) => number | undefined;
}

export interface AppliedRule {
  rule: Rule;
  points: number;
  /** The lines the rule counted (absent for an order without lines). */
  lineIds?: string[];
}

export interface NearMiss {
  rule: Rule;
  missing: { amount?: number; quantity?: number };
}

/** Higher priority first, ties by id: the one evaluation order, whatever the program lists. */
export function evaluationOrder(rules: readonly Rule[]): Rule[] {
  return [...rules].sort((a, b) => {
    const byPriority = (b.priority ?? 0) - (a.priority ?? 0);
    if (byPriority !== 0) return byPriority;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function runsAt(rule: Rule, at: number): boolean {
  if (rule.startsAt && at < Date.parse(rule.startsAt)) return false;
  if (rule.endsAt && at >= Date.parse(rule.endsAt)) return false;
  return true;
}

/** The `when` conditions that do not depend on the rule's lines. */
function occasionHolds(rule: Rule, basket: Basket, gate: RuleGate): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.channels && !(basket.channel !== undefined && when.channels.includes(basket.channel))) return false;
  if (when.stores && !(basket.storeId !== undefined && when.stores.includes(basket.storeId))) return false;
  if (when.firstPurchase && !gate.firstPurchase) return false;
  if (when.tiers && !when.tiers.includes(gate.tierId)) return false;
  if (when.segments && !when.segments.some((segmentId) => gate.inSegment(segmentId))) return false;
  if (when.daysOfWeek || when.localTime) {
    const local = localTime(basket.occurredAt, gate.timeZone);
    if (when.daysOfWeek && !when.daysOfWeek.includes(local.weekday)) return false;
    if (when.localTime) {
      const { from, to } = when.localTime;
      if (local.minutes < minutesOf(from) || local.minutes >= minutesOf(to)) return false;
    }
  }
  return true;
}

function lineMatches(rule: Rule, line: PurchaseLine): boolean {
  const filter = rule.lines;
  if (!filter) return true;
  if (filter.skus?.includes(line.sku)) return true;
  return (line.categories ?? []).some((category) => filter.categories?.includes(category));
}

/** A rule's points on the money (M) and units (U) it counts; one rounding, down. */
function rulePoints(rule: Rule, money: number, units: number, gate: RuleGate): number {
  const { share } = gate;
  switch (rule.effect.type) {
    case 'multiplier': {
      const extraHundredths = Math.round(rule.effect.factor * 100) - 100;
      return floorProduct(
        [money, share.num, gate.pointsPerUnit, extraHundredths],
        share.den * gate.minorPerMajor * 100,
      );
    }
    case 'pointsPerUnit':
      return floorProduct([rule.effect.points, units, share.num], share.den);
    case 'bonus':
      return rule.effect.points;
    case 'reward':
      // A gift gives a code of the reward, no points (shared/app/earn-points.ts issues it).
      return 0;
  }
}

/**
 * The rules that apply to a basket, in evaluation order, with their points and the lines
 * they counted, and the rules the basket nearly met (all but `minAmount`/`minQuantity`).
 *
 * - A rule needs its window to hold `occurredAt`, every `when` condition, the member's limits
 *   (`gate.allowed`), and, for an order with lines, at least one eligible line it counts (an
 *   order without lines matches no `lines` filter, and counts the eligible amount, no units).
 * - An exclusive rule that applies claims the lines it counted: a rule of lower priority with
 *   a multiplier or pointsPerUnit effect no longer counts them (a bonus still sees them).
 * - A rule that would give 0 points (or whose budget is spent) does not apply: no line, no
 *   count, no claim. A capped rule gives what its budget has left. A `reward` rule (a gift)
 *   gives no points: it applies with 0 points when its conditions hold, whatever its budget.
 * - Nothing applies to a basket with nothing that earns (all excluded, or all paid with
 *   excluded tenders).
 * `capped`: the rules that gave less than they would have without their cap.
 */
export function evaluateRules(
  rules: readonly Rule[] | undefined,
  exclude: EarnExclude | undefined,
  basket: Basket,
  gate: RuleGate,
): { applied: AppliedRule[]; nearMisses: NearMiss[]; capped: Rule[] } {
  const applied: AppliedRule[] = [];
  const nearMisses: NearMiss[] = [];
  const capped: Rule[] = [];
  if (!rules || rules.length === 0) return { applied, nearMisses, capped };
  const lines = eligibleLines(exclude, basket.lines);
  const eligibleTotal = lines ? lines.reduce((sum, line) => sum + line.amount, 0) : basket.amount;
  if (eligibleTotal === 0 || gate.share.num === 0) return { applied, nearMisses, capped };
  const claimed = new Set<string>();
  const at = Date.parse(basket.occurredAt);

  for (const rule of evaluationOrder(rules)) {
    if (!runsAt(rule, at) || !occasionHolds(rule, basket, gate) || !gate.allowed(rule)) continue;
    const countsClaimed = rule.effect.type === 'bonus' || rule.effect.type === 'reward';
    const counted = lines?.filter((line) => lineMatches(rule, line) && (countsClaimed || !claimed.has(line.lineId)));
    if (counted && counted.length === 0) continue;
    if (!counted && rule.lines) continue;
    const money = counted ? counted.reduce((sum, line) => sum + line.amount, 0) : eligibleTotal;
    const units = counted ? counted.reduce((sum, line) => sum + line.quantity, 0) : 0;

    const missing: NearMiss['missing'] = {};
    const minAmount = rule.when?.minAmount?.value;
    if (minAmount !== undefined && money * gate.share.num < minAmount * gate.share.den)
      missing.amount = minAmount - floorProduct([money, gate.share.num], gate.share.den);
    const minQuantity = rule.when?.minQuantity;
    if (minQuantity !== undefined && units < minQuantity) missing.quantity = minQuantity - units;
    if (missing.amount !== undefined || missing.quantity !== undefined) {
      nearMisses.push({ rule, missing });
      continue;
    }

    const counts = counted ? { lineIds: counted.map((line) => line.lineId) } : {};
    const gift = rule.effect.type === 'reward';
    const wanted = rulePoints(rule, money, units, gate);
    const cap = gift ? undefined : gate.cap(rule);
    const points = cap === undefined ? wanted : Math.min(wanted, cap);
    if (points < wanted) capped.push(rule);
    if (points <= 0 && !gift) continue;
    applied.push({ rule, points, ...counts });
    if (rule.exclusive && counted) for (const line of counted) claimed.add(line.lineId);
  }
  return { applied, nearMisses, capped };
}

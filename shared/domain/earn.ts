import type { ProgramRules, Promotion, Tier } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import {
  eligibleLinesTotal,
  evaluateRules,
  floorProduct,
  WHOLE,
  type AppliedRule,
  type Basket,
  type NearMiss,
  type PaidShare,
  type RuleGate,
} from './basket-rules';
import { boostsAt, campaignRule, type EarnBoost } from './campaigns';
import type { BreakdownLine } from './ledger';
import type { MemberState } from './member';
import { floorRatio, minorUnitsPerMajor, type Money } from './money';
import { dayOf, tierBeforePurchase } from './tiers';
import { DAY_MS } from './time';

export interface Purchase {
  orderId: string;
  amount: Money;
  occurredAt: string;
}

export interface EarnResult {
  points: number;
  breakdown: BreakdownLine[];
  /** Set when the birthday bonus applied: the year of the birthday it was for (record it on the member). */
  birthdayBonusYear?: number;
}

/** The birthday week: the 7 days starting on the birthday, by the UTC date of the purchase. */
export const BIRTHDAY_WEEK_DAYS = 7;

/**
 * Multipliers have at most two decimals (the schema says so); they are used as integer
 * hundredths so that no float ever touches a points amount.
 */
function hundredths(multiplier: number): number {
  return Math.round(multiplier * 100);
}

/**
 * The points a multiplier (a tier's, a promotion's, a campaign boost's factor) adds on top of the
 * base: base × (multiplier − 1), rounded down — the multiplier taken as integer hundredths, so
 * the product is exact before the one division. The earn's only rounding rule for multipliers.
 */
export function multiplierExtra(base: number, multiplier: number): number {
  return floorRatio(base, Math.max(0, hundredths(multiplier) - 100), 100);
}

/** A promotion runs from startsAt (inclusive) to endsAt (exclusive), judged at the purchase's occurredAt. */
export function promotionRunsAt(promotion: Pick<Promotion, 'startsAt' | 'endsAt'>, occurredAt: string): boolean {
  const at = Date.parse(occurredAt);
  return Date.parse(promotion.startsAt) <= at && at < Date.parse(promotion.endsAt);
}

/** The birthday in a given year; 29 February falls on 28 February in years without one. */
export function birthdayIn(birthday: string, year: number): Date {
  const month = Number(birthday.slice(5, 7)) - 1;
  const day = Number(birthday.slice(8, 10));
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDayOfMonth)));
}

/**
 * The year of the birthday whose week contains the purchase, if any. The week may run
 * into the next year (a birthday on 28 December): that purchase belongs to the old year.
 */
export function birthdayWeekYear(birthday: string, occurredAt: string): number | undefined {
  const day = Date.parse(`${dayOf(occurredAt)}T00:00:00.000Z`);
  const year = new Date(day).getUTCFullYear();
  for (const candidate of [year, year - 1]) {
    const start = birthdayIn(birthday, candidate).getTime();
    if (day >= start && day < start + BIRTHDAY_WEEK_DAYS * DAY_MS) return candidate;
  }
  return undefined;
}

/** What the member brings to a purchase's points, fixed when it earns (a refund recomputes with the same). */
export interface EarnBasis {
  tier: Tier;
  /** The year of the birthday whose bonus this purchase gets, if it gets one. */
  birthdayBonusYear?: number | undefined;
  firstPurchase: boolean;
  /**
   * Whether the member is in a segment (rules' `when.segments`); default: in none. An earn judges the
   * memberships as they are before its write: the purchase that moves a member into a segment earns
   * as a non-member, and the membership counts from the next write (segment changes are computed from
   * the member after the earn, so one write never judges a rule on memberships it is itself changing).
   */
  inSegment?: RuleGate['inSegment'];
  /** The member's limits on rules (see `RuleGate.allowed`); default: every rule may apply. */
  allowed?: RuleGate['allowed'];
  /** The rules' budgets (see `RuleGate.cap`); default: no cap. */
  cap?: RuleGate['cap'];
  /** The campaigns' boosts the purchase earns with (./campaigns.ts `boostsAt`); default: none. */
  boosts?: readonly EarnBoost[] | undefined;
}

export interface BasketEarn extends EarnResult {
  /** What earns, in minor units: the eligible lines (or the amount) less the excluded tenders' part. */
  eligibleAmount: number;
  rules: AppliedRule[];
  nearMisses: NearMiss[];
  /** Rules whose cap (budget left) gave less than they would have. */
  capped: Rule[];
}

/** The member's basis for a purchase now: the tier before it counts, the birthday bonus due, a first purchase. */
export function earnBasis(
  program: ProgramRules,
  member: MemberState,
  occurredAt: string,
  now: Date,
  recordedOrder?: { occurredAt: string; amount: number; refunded: number },
): EarnBasis {
  const tier = tierBeforePurchase(program, member, recordedOrder, now);
  let birthdayBonusYear: number | undefined;
  const birthday = member.profile.birthday;
  if (birthday && program.bonuses.birthday > 0) {
    const year = birthdayWeekYear(birthday, occurredAt);
    const given = member.purchases.birthdayBonusYear;
    if (year !== undefined && !(given !== undefined && given >= year)) birthdayBonusYear = year;
  }
  // An order whose cashback came first is already counted among the purchases.
  const earlier = member.purchases.count - (recordedOrder ? 1 : 0);
  const boosts = boostsAt(member, occurredAt);
  const segments = member.segments ?? {};
  return {
    tier,
    birthdayBonusYear,
    firstPurchase: earlier <= 0,
    inSegment: (segmentId) => segments[segmentId] !== undefined,
    ...(boosts.length > 0 ? { boosts } : {}),
  };
}

/**
 * Points for a purchase, every rule with its own breakdown line (the lines sum to `points`):
 * - `base`: the program's points per whole major unit of the eligible amount, rounded down;
 * - `tier:<id>`: base × (tier multiplier − 1), the tier held before this purchase counts
 *   (see `tierBeforePurchase`: the purchase that crosses a threshold earns at the old tier);
 * - `promotion:<id>`: for each promotion running at occurredAt, base × (its multiplier − 1)
 *   plus its bonusPoints. Multipliers never compound: each applies to the base alone, so
 *   tier ×1.5 and a ×2 promotion on 100 base points give 100 + 50 + 100 = 250;
 * - `campaign:<id>`: for each campaign boost the member holds at occurredAt, base × (factor − 1),
 *   by the same rule (never compounding);
 * - `spend-threshold`: the bonus for an eligible amount of at least the threshold amount;
 * - `birthday`: once per birthday, on a purchase in the member's birthday week;
 * - `rule:<id>`: each basket rule that applies (./basket-rules.ts), with the lines it counted.
 * Rules that add nothing get no line; `base` always has one. Every line is ≥ 0, so earning
 * never takes points away. An empty basket (everything refunded) earns nothing at all.
 */
export function pointsForBasket(
  program: ProgramRules,
  basis: EarnBasis,
  basket: Basket,
  share: PaidShare = WHOLE,
): BasketEarn {
  const exclude = program.earn.exclude;
  const eligibleTotal = eligibleLinesTotal(exclude, basket);
  const minorPerMajor = minorUnitsPerMajor(program.currency);
  if (basket.amount === 0)
    return {
      points: 0,
      breakdown: [{ rule: 'base', points: 0 }],
      eligibleAmount: 0,
      rules: [],
      nearMisses: [],
      capped: [],
    };

  const base = floorProduct([eligibleTotal, share.num, program.earn.pointsPerUnit], share.den * minorPerMajor);
  const breakdown: BreakdownLine[] = [{ rule: 'base', points: base }];
  const add = (rule: string, points: number) => {
    if (points > 0) breakdown.push({ rule, points });
  };
  add(`tier:${basis.tier.id}`, multiplierExtra(base, basis.tier.pointsMultiplier));
  for (const promotion of program.promotions) {
    if (!promotionRunsAt(promotion, basket.occurredAt)) continue;
    add(
      `promotion:${promotion.id}`,
      multiplierExtra(base, promotion.pointsMultiplier ?? 1) + (promotion.bonusPoints ?? 0),
    );
  }
  for (const boost of basis.boosts ?? []) add(campaignRule(boost.campaignId), multiplierExtra(base, boost.factor));
  const threshold = program.bonuses.spendThreshold;
  if (threshold && eligibleTotal * share.num >= threshold.amount.value * share.den)
    add('spend-threshold', threshold.points);
  if (basis.birthdayBonusYear !== undefined) add('birthday', program.bonuses.birthday);

  const { applied, nearMisses, capped } = evaluateRules(program.rules, exclude, basket, {
    timeZone: program.timezone ?? 'UTC',
    tierId: basis.tier.id,
    firstPurchase: basis.firstPurchase,
    inSegment: basis.inSegment ?? (() => false),
    pointsPerUnit: program.earn.pointsPerUnit,
    minorPerMajor,
    share,
    allowed: basis.allowed ?? (() => true),
    cap: basis.cap ?? (() => undefined),
  });
  for (const rule of applied)
    breakdown.push({
      rule: `rule:${rule.rule.id}`,
      points: rule.points,
      ...(rule.lineIds ? { lineIds: rule.lineIds } : {}),
    });

  const points = breakdown.reduce((sum, line) => sum + line.points, 0);
  const eligibleAmount = floorProduct([eligibleTotal, share.num], share.den);
  const result: BasketEarn = { points, breakdown, eligibleAmount, rules: applied, nearMisses, capped };
  return basis.birthdayBonusYear === undefined ? result : { ...result, birthdayBonusYear: basis.birthdayBonusYear };
}

/** Points for a purchase without a basket (the order total only), every rule allowed: see `pointsForBasket`. */
export function pointsForPurchase(
  program: ProgramRules,
  member: MemberState,
  purchase: Purchase,
  now: Date,
  recordedOrder?: { occurredAt: string; amount: number; refunded: number },
): EarnResult {
  const basis = earnBasis(program, member, purchase.occurredAt, now, recordedOrder);
  const { points, breakdown, birthdayBonusYear } = pointsForBasket(program, basis, {
    amount: purchase.amount.value,
    occurredAt: purchase.occurredAt,
  });
  return birthdayBonusYear === undefined ? { points, breakdown } : { points, breakdown, birthdayBonusYear };
}

/** The birthday bonus is once a year: the member remembers which year's it was. */
export function withBirthdayBonusYear(member: MemberState, year: number | undefined): MemberState {
  return year === undefined ? member : { ...member, purchases: { ...member.purchases, birthdayBonusYear: year } };
}

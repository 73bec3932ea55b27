import type { ProgramRules, Promotion } from '@shared/schemas/program';
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

/** The points a multiplier adds on top of the base: base × (multiplier − 1), rounded down. */
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

/**
 * Points for a purchase, every rule with its own breakdown line (the lines sum to `points`):
 * - `base`: the program's points per whole major unit, rounded down;
 * - `tier:<id>`: base × (tier multiplier − 1), the tier held before this purchase counts
 *   (see `tierBeforePurchase`: the purchase that crosses a threshold earns at the old tier);
 * - `promotion:<id>`: for each promotion running at occurredAt, base × (its multiplier − 1)
 *   plus its bonusPoints. Multipliers never compound: each applies to the base alone, so
 *   tier ×1.5 and a ×2 promotion on 100 base points give 100 + 50 + 100 = 250;
 * - `spend-threshold`: the bonus for a purchase of at least the threshold amount;
 * - `birthday`: once per birthday, on a purchase in the member's birthday week.
 * Rules that add nothing get no line; `base` always has one. Every line is ≥ 0, so earning
 * never takes points away.
 */
export function pointsForPurchase(
  program: ProgramRules,
  member: MemberState,
  purchase: Purchase,
  now: Date,
  recordedOrder?: { occurredAt: string; amount: number; refunded: number },
): EarnResult {
  const base = floorRatio(purchase.amount.value, program.earn.pointsPerUnit, minorUnitsPerMajor(program.currency));
  const breakdown: BreakdownLine[] = [{ rule: 'base', points: base }];
  const add = (rule: string, points: number) => {
    if (points > 0) breakdown.push({ rule, points });
  };

  const tier = tierBeforePurchase(program, member, recordedOrder, now);
  add(`tier:${tier.id}`, multiplierExtra(base, tier.pointsMultiplier));

  for (const promotion of program.promotions) {
    if (!promotionRunsAt(promotion, purchase.occurredAt)) continue;
    add(
      `promotion:${promotion.id}`,
      multiplierExtra(base, promotion.pointsMultiplier ?? 1) + (promotion.bonusPoints ?? 0),
    );
  }

  const threshold = program.bonuses.spendThreshold;
  if (threshold && purchase.amount.value >= threshold.amount.value) add('spend-threshold', threshold.points);

  let birthdayBonusYear: number | undefined;
  const birthday = member.profile.birthday;
  if (birthday && program.bonuses.birthday > 0) {
    const year = birthdayWeekYear(birthday, purchase.occurredAt);
    const alreadyGiven =
      year !== undefined &&
      member.purchases.birthdayBonusYear !== undefined &&
      member.purchases.birthdayBonusYear >= year;
    if (year !== undefined && !alreadyGiven) {
      add('birthday', program.bonuses.birthday);
      birthdayBonusYear = year;
    }
  }

  const points = breakdown.reduce((sum, line) => sum + line.points, 0);
  return birthdayBonusYear === undefined ? { points, breakdown } : { points, breakdown, birthdayBonusYear };
}

/** The birthday bonus is once a year: the member remembers which year's it was. */
export function withBirthdayBonusYear(member: MemberState, year: number | undefined): MemberState {
  return year === undefined ? member : { ...member, purchases: { ...member.purchases, birthdayBonusYear: year } };
}

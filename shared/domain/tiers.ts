import type { ProgramRules, Tier } from '@shared/schemas/program';
import type { MemberState } from './member';
import { DAY_MS } from './time';

/** Qualifying spend counts purchases of the last 365 days (by their occurredAt), net of refunds. */
export const TIER_WINDOW_DAYS = 365;

export function dayOf(time: string | Date): string {
  return (typeof time === 'string' ? new Date(time) : time).toISOString().slice(0, 10);
}

function windowStartDay(now: Date): string {
  return dayOf(new Date(now.getTime() - (TIER_WINDOW_DAYS - 1) * DAY_MS));
}

export function qualifyingSpend(member: Pick<MemberState, 'purchases'>, now: Date): number {
  const from = windowStartDay(now);
  const to = dayOf(now);
  let total = 0;
  for (const [day, value] of Object.entries(member.purchases.spendByDay)) {
    if (day >= from && day <= to) total += value;
  }
  return Math.max(0, total);
}

/** Adds (or, for refunds, removes) spend on a day and drops days that left the window. */
export function recordSpend(
  spendByDay: Record<string, number>,
  occurredAt: string,
  delta: number,
  now: Date,
): Record<string, number> {
  const from = windowStartDay(now);
  const next: Record<string, number> = {};
  for (const [day, value] of Object.entries(spendByDay)) if (day >= from) next[day] = value;
  const day = dayOf(occurredAt);
  if (day >= from) next[day] = (next[day] ?? 0) + delta;
  return next;
}

/** The highest tier whose threshold the spend reaches; tiers are validated to rise. */
export function tierFor(program: Pick<ProgramRules, 'tiers'>, spend: number): { tier: Tier; next?: Tier } {
  let index = 0;
  program.tiers.forEach((tier, i) => {
    if (spend >= tier.minQualifyingSpend.value) index = i;
  });
  const tier = program.tiers[index] ?? program.tiers[0];
  if (!tier) throw new RangeError('a program has at least one tier');
  const next = program.tiers[index + 1];
  return next ? { tier, next } : { tier };
}

/** The part of an order that still counts as qualifying spend (its amount less what was refunded). */
interface RecordedSpend {
  occurredAt: string;
  amount: number;
  refunded: number;
}

/**
 * The tier a purchase earns at: the one the member holds when the purchase is recorded,
 * BEFORE this purchase counts. The purchase that crosses a threshold still earns at the old
 * tier; the new tier applies from the next purchase. When the order was already recorded
 * (its cashback came first), its spend is taken out again, so points and cashback of one
 * order always see the same tier whatever their order of arrival.
 */
export function tierBeforePurchase(
  program: Pick<ProgramRules, 'tiers'>,
  member: Pick<MemberState, 'purchases'>,
  recordedOrder: RecordedSpend | undefined,
  now: Date,
): Tier {
  const spendByDay = recordedOrder
    ? recordSpend(
        member.purchases.spendByDay,
        recordedOrder.occurredAt,
        -(recordedOrder.amount - recordedOrder.refunded),
        now,
      )
    : member.purchases.spendByDay;
  return tierFor(program, qualifyingSpend({ purchases: { ...member.purchases, spendByDay } }, now)).tier;
}

/** Position of a tier in the program (0 = the entry tier), or -1 for an id the program no longer has. */
export function tierRank(program: Pick<ProgramRules, 'tiers'>, tierId: string): number {
  return program.tiers.findIndex((tier) => tier.id === tierId);
}

export interface TierChange {
  from: string;
  to: string;
  direction: 'up' | 'down';
}

/**
 * The `tier.changed` of a change: the tier the member holds now before it and after it (both
 * read at the same instant, so the change is what this write did). Undefined when it stays.
 */
export function tierChange(
  program: Pick<ProgramRules, 'tiers'>,
  before: Pick<MemberState, 'purchases'>,
  after: Pick<MemberState, 'purchases'>,
  now: Date,
): TierChange | undefined {
  const from = tierFor(program, qualifyingSpend(before, now)).tier.id;
  const to = tierFor(program, qualifyingSpend(after, now)).tier.id;
  if (from === to) return undefined;
  return { from, to, direction: tierRank(program, to) > tierRank(program, from) ? 'up' : 'down' };
}

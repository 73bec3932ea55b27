import type { ProgramRules } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import { orderBasket, type OrderBasket } from './basket-order';
import {
  eligibleLines,
  evaluationOrder,
  paidShare,
  type Basket,
  type PaidShare,
  type PurchaseLine,
  type PurchaseTender,
} from './basket-rules';
import { earnBasis, pointsForBasket, type BasketEarn } from './earn';
import { localTime, minutesOf } from './local-time';
import type { MemberState } from './member';
import type { Money } from './money';
import type { OrderState } from './order';
import { budgetLeft, drawBudget, type BudgetDraw } from './rule-budget';
import { countRuleUses, ruleAllowed } from './rule-limits';

/** A purchase as the earn (or its preview) reports it, with its basket when the till sent one. */
export interface BasketPurchase {
  amount: Money;
  channel?: string | undefined;
  storeId?: string | undefined;
  lines?:
    { lineId: string; sku: string; categories?: string[] | undefined; quantity: number; amount: Money }[] | undefined;
  tenders?: { type: string; amount: Money }[] | undefined;
}

export const timeZoneOf = (program: Pick<ProgramRules, 'timezone'>) => program.timezone ?? 'UTC';

/**
 * Whether the order must keep its basket for refunds: it came with one, or the program has
 * rules or exclusions that a refund must recompute. A v1.1 earn under a v1.1 program keeps
 * nothing more, and its refunds reverse in proportion, as before.
 */
export function keepsBasket(program: Pick<ProgramRules, 'rules' | 'earn'>, purchase: BasketPurchase): boolean {
  return (
    purchase.lines !== undefined ||
    purchase.tenders !== undefined ||
    purchase.channel !== undefined ||
    purchase.storeId !== undefined ||
    (program.rules?.length ?? 0) > 0 ||
    program.earn.exclude !== undefined
  );
}

export function basketOf(purchase: BasketPurchase, occurredAt: string): Basket {
  return {
    amount: purchase.amount.value,
    occurredAt,
    ...(purchase.lines
      ? {
          lines: purchase.lines.map((line): PurchaseLine => ({
            lineId: line.lineId,
            sku: line.sku,
            ...(line.categories ? { categories: line.categories } : {}),
            quantity: line.quantity,
            amount: line.amount.value,
          })),
        }
      : {}),
    ...(purchase.channel !== undefined ? { channel: purchase.channel } : {}),
    ...(purchase.storeId !== undefined ? { storeId: purchase.storeId } : {}),
  };
}

const tendersOf = (purchase: BasketPurchase): PurchaseTender[] | undefined =>
  purchase.tenders?.map((tender) => ({ type: tender.type, amount: tender.amount.value }));

/**
 * The rules with a budget that this purchase could get, judged on what needs no member (the
 * window, channel, store, day and hour, a matching eligible line): only their budget shards
 * are read. A budgeted rule not read is never given (see `decideBasketEarn`).
 */
export function budgetedCandidates(program: ProgramRules, purchase: BasketPurchase, occurredAt: string): Rule[] {
  const basket = basketOf(purchase, occurredAt);
  const lines = eligibleLines(program.earn.exclude, basket.lines);
  const at = Date.parse(occurredAt);
  const local = localTime(occurredAt, timeZoneOf(program));
  return evaluationOrder(program.rules ?? []).filter((rule) => {
    if (rule.limits?.budgetPoints === undefined) return false;
    if (rule.startsAt && at < Date.parse(rule.startsAt)) return false;
    if (rule.endsAt && at >= Date.parse(rule.endsAt)) return false;
    const when = rule.when;
    if (when?.channels && !(basket.channel !== undefined && when.channels.includes(basket.channel))) return false;
    if (when?.stores && !(basket.storeId !== undefined && when.stores.includes(basket.storeId))) return false;
    if (when?.daysOfWeek && !when.daysOfWeek.includes(local.weekday)) return false;
    if (
      when?.localTime &&
      (local.minutes < minutesOf(when.localTime.from) || local.minutes >= minutesOf(when.localTime.to))
    )
      return false;
    if (!lines) return rule.lines === undefined;
    const filter = rule.lines;
    return lines.some(
      (line) =>
        !filter ||
        filter.skus?.includes(line.sku) ||
        (line.categories ?? []).some((category) => filter.categories?.includes(category)),
    );
  });
}

export interface BasketEarnDecision {
  earned: BasketEarn;
  share: PaidShare;
  /** Budget draws per rule id (what the earn's transaction adds to each shard). */
  draws: Map<string, BudgetDraw[]>;
  /** What the order keeps for refunds (undefined: nothing more than a v1.1 order). */
  basket: OrderBasket | undefined;
  /** The member with the applications of limited rules counted. */
  countUses: (member: MemberState) => MemberState;
}

/**
 * The points a purchase earns with its basket: the member's basis now, per-member limits from
 * the member item, budgets from the shards read (`given` per rule; `startShard` spreads the
 * draws of concurrent earns).
 */
export function decideBasketEarn(input: {
  program: ProgramRules & { version: number };
  member: MemberState;
  existing: OrderState | undefined;
  purchase: BasketPurchase;
  occurredAt: string;
  now: Date;
  budgetsGiven: Map<string, readonly (number | undefined)[]>;
  startShard: number;
}): BasketEarnDecision {
  const { program, member, purchase, occurredAt, now, budgetsGiven } = input;
  const timeZone = timeZoneOf(program);
  const basket = basketOf(purchase, occurredAt);
  const share = paidShare(program.earn.exclude, basket, tendersOf(purchase));
  const basis = earnBasis(program, member, occurredAt, now, input.existing);
  const earned = pointsForBasket(
    program,
    {
      ...basis,
      allowed: (rule) => ruleAllowed(member.ruleUses, rule, occurredAt, timeZone),
      cap: (rule) => {
        const budget = rule.limits?.budgetPoints;
        if (budget === undefined) return undefined;
        const given = budgetsGiven.get(rule.id);
        return given ? budgetLeft(budget, given) : 0;
      },
    },
    basket,
    share,
  );
  const draws = new Map<string, BudgetDraw[]>();
  for (const { rule, points } of earned.rules) {
    const budget = rule.limits?.budgetPoints;
    if (budget !== undefined)
      draws.set(rule.id, drawBudget(budget, budgetsGiven.get(rule.id) ?? [], points, input.startShard));
  }
  const record = keepsBasket(program, purchase)
    ? orderBasket({ programVersion: program.version, basket, share, basis, earned, draws, timeZone })
    : undefined;
  return {
    earned,
    share,
    draws,
    basket: record,
    countUses: (next) => countRuleUses(next, program.rules ?? [], earned.rules, occurredAt, timeZone, now),
  };
}

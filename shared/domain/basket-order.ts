import type { ProgramRules } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import type { Basket, PaidShare, PurchaseLine } from './basket-rules';
import type { EarnBoost } from './campaigns';
import { pointsForBasket, type BasketEarn, type EarnBasis } from './earn';
import { DomainError } from './errors';
import type { BreakdownLine, Movement } from './ledger';
import type { MemberState } from './member';
import { proportionalShare } from './money';
import type { OrderState } from './order';
import { returnToBudget, type BudgetDraw } from './rule-budget';
import { rulePeriod, uncountRuleUse } from './rule-limits';
import { cashbackReversal } from './refund';
import { recordSpend } from './tiers';

/** A line of a recorded order, with what refunds took of it. */
export interface OrderLine extends PurchaseLine {
  refundedQuantity: number;
  refundedAmount: number;
}

/** What a rule's application took from limits: its per-member period ("" without a limit) and its budget draws. */
export interface RuleTaken {
  period: string;
  draws?: BudgetDraw[];
  /** A gift rule: the code it issued (a refund that undoes the rule cancels it while unused). */
  codeId?: string;
}

/**
 * What an order keeps so a refund can recompute it: the basket, the program version, the
 * member's basis at the earn (tier, first purchase, birthday bonus, campaign boosts), the share excluded
 * tenders left, what the order still holds per breakdown line, and what each applied rule
 * took from its limits. Stored compactly (shared/store/items/order.ts).
 */
export interface OrderBasket {
  programVersion: number;
  lines?: OrderLine[];
  channel?: string;
  storeId?: string;
  share: PaidShare;
  basis: { tier: string; firstPurchase: boolean; birthdayBonusYear?: number; boosts?: EarnBoost[] };
  /** The eligible amount at the earn (cashback is reversed in proportion to it). */
  eligible: number;
  /** Points the order holds now, per breakdown rule. */
  held: Record<string, number>;
  rules: Record<string, RuleTaken>;
}

export function orderBasket(input: {
  programVersion: number;
  basket: Basket;
  share: PaidShare;
  basis: EarnBasis;
  earned: BasketEarn;
  draws: Map<string, BudgetDraw[]>;
  timeZone: string;
}): OrderBasket {
  const { basket, earned } = input;
  const held: Record<string, number> = {};
  for (const line of earned.breakdown) if (line.points > 0) held[line.rule] = line.points;
  const rules: Record<string, RuleTaken> = {};
  for (const { rule } of earned.rules) {
    const draws = input.draws.get(rule.id);
    rules[rule.id] = { period: rulePeriod(rule, basket.occurredAt, input.timeZone), ...(draws ? { draws } : {}) };
  }
  return {
    programVersion: input.programVersion,
    ...(basket.lines
      ? { lines: basket.lines.map((line) => ({ ...line, refundedQuantity: 0, refundedAmount: 0 })) }
      : {}),
    ...(basket.channel !== undefined ? { channel: basket.channel } : {}),
    ...(basket.storeId !== undefined ? { storeId: basket.storeId } : {}),
    share: input.share,
    basis: {
      tier: input.basis.tier.id,
      firstPurchase: input.basis.firstPurchase,
      ...(input.basis.birthdayBonusYear !== undefined ? { birthdayBonusYear: input.basis.birthdayBonusYear } : {}),
      ...(input.basis.boosts?.length ? { boosts: [...input.basis.boosts] } : {}),
    },
    eligible: earned.eligibleAmount,
    held,
    rules,
  };
}

/**
 * What an imported purchase keeps of its basket: the lines, channel and store (history for
 * what comes later), and nothing it earned: it earned nothing, so a refund takes nothing back.
 */
export function historyBasket(input: {
  programVersion: number;
  basket: Basket;
  share: PaidShare;
  eligible: number;
  tierId: string;
}): OrderBasket {
  const { basket } = input;
  return {
    programVersion: input.programVersion,
    ...(basket.lines
      ? { lines: basket.lines.map((line) => ({ ...line, refundedQuantity: 0, refundedAmount: 0 })) }
      : {}),
    ...(basket.channel !== undefined ? { channel: basket.channel } : {}),
    ...(basket.storeId !== undefined ? { storeId: basket.storeId } : {}),
    share: input.share,
    basis: { tier: input.tierId, firstPurchase: false },
    eligible: input.eligible,
    held: {},
    rules: {},
  };
}

export interface RefundRequestLines {
  amount?: number;
  lines?: { lineId: string; quantity: number }[];
}

/**
 * The lines after a refund, and the amount it refunds. By lines: each line's refunded amount
 * is its share of the units refunded so far (cumulative, so refunding every unit refunds the
 * line's whole amount). By amount only: the amount is taken off the lines in proportion to
 * what is left of each, and a line gives back the units its refunded amount covers, rounded
 * down (all of them once nothing of its amount is left).
 */
export function refundLines(
  order: Pick<OrderState, 'orderId' | 'amount' | 'refunded'>,
  lines: OrderLine[] | undefined,
  request: RefundRequestLines,
): { lines: OrderLine[] | undefined; amount: number } {
  const remaining = order.amount - order.refunded;
  if (!request.lines) {
    const amount = request.amount ?? 0;
    if (amount > remaining)
      throw new DomainError(
        'refund-exceeds-order',
        `Order ${order.orderId} has ${remaining} left to refund; ${amount} was asked.`,
        [{ path: 'body.amount.value', message: `must be at most ${remaining}` }],
      );
    if (!lines) return { lines, amount };
    const left = lines.map((line) => line.amount - line.refundedAmount);
    const totalLeft = left.reduce((sum, value) => sum + value, 0);
    let prefix = 0;
    let allocated = 0;
    const next = lines.map((line, index) => {
      prefix += left[index] ?? 0;
      const upTo = totalLeft === 0 ? 0 : Math.floor((prefix * amount) / totalLeft);
      const take = upTo - allocated;
      allocated = upTo;
      const refundedAmount = line.refundedAmount + take;
      const refundedQuantity =
        refundedAmount >= line.amount && line.amount > 0
          ? line.quantity
          : Math.max(
              line.refundedQuantity,
              line.amount === 0 ? 0 : Math.floor((line.quantity * refundedAmount) / line.amount),
            );
      return { ...line, refundedAmount, refundedQuantity };
    });
    return { lines: next, amount };
  }

  const byId = new Map((lines ?? []).map((line, index) => [line.lineId, index]));
  const next = (lines ?? []).map((line) => ({ ...line }));
  const unknown = request.lines.flatMap((asked, index) =>
    byId.has(asked.lineId)
      ? []
      : [{ path: `body.lines.${index}.lineId`, message: `order ${order.orderId} has no line "${asked.lineId}"` }],
  );
  if (unknown.length > 0)
    throw new DomainError('unknown-order-line', `Order ${order.orderId} has no such line.`, unknown);
  let amount = 0;
  request.lines.forEach((asked, index) => {
    const line = next[byId.get(asked.lineId) ?? -1];
    if (!line) return;
    const left = line.quantity - line.refundedQuantity;
    if (asked.quantity > left)
      throw new DomainError(
        'refund-exceeds-order',
        `Line ${asked.lineId} of order ${order.orderId} has ${left} units left to refund; ${asked.quantity} were asked.`,
        [{ path: `body.lines.${index}.quantity`, message: `must be at most ${left}` }],
      );
    const refundedQuantity = line.refundedQuantity + asked.quantity;
    const refundedAmount = proportionalShare(line.amount, refundedQuantity, line.quantity);
    amount += refundedAmount - line.refundedAmount;
    line.refundedQuantity = refundedQuantity;
    line.refundedAmount = refundedAmount;
  });
  if (request.amount !== undefined && request.amount !== amount)
    throw new DomainError('refund-mismatch', `The refunded lines come to ${amount}, not ${request.amount}.`, [
      { path: 'body.amount.value', message: `must be ${amount}, what the refunded lines come to` },
    ]);
  return { lines: next, amount };
}

/** What is left of an order's basket (lines with units left). */
export function remainingBasket(order: OrderState, basket: OrderBasket, lines: OrderLine[] | undefined): Basket {
  return {
    amount: order.amount - order.refunded,
    occurredAt: order.occurredAt,
    ...(lines
      ? {
          lines: lines
            .filter((line) => line.quantity - line.refundedQuantity > 0)
            .map((line) => ({
              lineId: line.lineId,
              sku: line.sku,
              ...(line.categories ? { categories: line.categories } : {}),
              quantity: line.quantity - line.refundedQuantity,
              amount: line.amount - line.refundedAmount,
            })),
        }
      : {}),
    ...(basket.channel !== undefined ? { channel: basket.channel } : {}),
    ...(basket.storeId !== undefined ? { storeId: basket.storeId } : {}),
  };
}

export interface BasketRefundPlan {
  member: MemberState;
  order: OrderState;
  movements: Movement[];
  /** Points that go back to rules' budgets, by rule: [shard, points]. */
  budgetReturns: { ruleId: string; draws: BudgetDraw[] }[];
  /** Gift rules the refund undoes (the remaining basket no longer meets them), with the code each gave. */
  giftsUndone: { ruleId: string; codeId?: string }[];
}

/**
 * A refund of an order earned with a basket RECOMPUTES: what the remaining basket earns under
 * the program version of the earn (`program`), with the member's basis as it was then (tier,
 * first purchase, birthday bonus, campaign boosts), only the rules that applied then, each capped at what it
 * still holds. The difference per breakdown line is taken back, as one `refund` entry with a
 * breakdown by rule (and its cashback in proportion to the eligible amount). A refund never
 * adds points: a line keeps at most what it held. Points a rule gives back return to its
 * budget; a rule undone entirely gives its per-member count back. A gift rule (no points) is
 * undone when the remaining basket no longer meets it: its count comes back and its code is
 * listed in `giftsUndone` (the refund cancels it if it is still unused).
 */
export function planBasketRefund(
  program: ProgramRules,
  member: MemberState,
  order: OrderState & { basket: OrderBasket },
  request: RefundRequestLines,
  now: Date,
): BasketRefundPlan {
  const { basket } = order;
  const { lines, amount } = refundLines(order, basket.lines, request);
  const refunded = order.refunded + amount;
  const after: OrderState = { ...order, refunded };
  const tier = program.tiers.find((candidate) => candidate.id === basket.basis.tier) ?? program.tiers[0];
  if (!tier) throw new RangeError('a program has at least one tier');
  const recomputed = pointsForBasket(
    program,
    {
      tier,
      firstPurchase: basket.basis.firstPurchase,
      birthdayBonusYear: basket.basis.birthdayBonusYear,
      boosts: basket.basis.boosts,
      allowed: (rule: Rule) => basket.rules[rule.id] !== undefined,
      // Only rules that applied at the earn may apply here, and they passed their segments then.
      inSegment: () => true,
      cap: (rule: Rule) => basket.held[`rule:${rule.id}`] ?? 0,
    },
    remainingBasket(after, basket, lines),
    basket.share,
  );
  const now_ = new Map(recomputed.breakdown.map((line) => [line.rule, line.points]));
  const held: Record<string, number> = {};
  const breakdown: BreakdownLine[] = [];
  for (const [rule, points] of Object.entries(basket.held)) {
    const keep = Math.min(points, now_.get(rule) ?? 0);
    if (keep > 0) held[rule] = keep;
    if (keep < points) breakdown.push({ rule, points: keep - points });
  }
  const taken = -breakdown.reduce((sum, line) => sum + line.points, 0);

  let nextMember: MemberState = {
    ...member,
    purchases: {
      ...member.purchases,
      spendByDay: recordSpend(member.purchases.spendByDay, order.occurredAt, -amount, now),
    },
  };
  const budgetReturns: BasketRefundPlan['budgetReturns'] = [];
  const giftsUndone: BasketRefundPlan['giftsUndone'] = [];
  const stillApplied = new Set(recomputed.rules.map((applied) => applied.rule.id));
  const rules: Record<string, RuleTaken> = {};
  for (const [ruleId, took] of Object.entries(basket.rules)) {
    const key = `rule:${ruleId}`;
    const gift = program.rules?.find((rule) => rule.id === ruleId)?.effect.type === 'reward';
    if (gift && !stillApplied.has(ruleId)) {
      if (took.period !== '') nextMember = uncountRuleUse(nextMember, ruleId, took.period);
      giftsUndone.push({ ruleId, ...(took.codeId !== undefined ? { codeId: took.codeId } : {}) });
      continue;
    }
    const back = (basket.held[key] ?? 0) - (held[key] ?? 0);
    let draws = took.draws;
    if (draws && back > 0) {
      const { returned, kept } = returnToBudget(draws, back);
      budgetReturns.push({ ruleId, draws: returned });
      draws = kept;
    }
    if ((held[key] ?? 0) === 0 && (basket.held[key] ?? 0) > 0) {
      // The whole application is undone: the member may have it again in that period.
      if (took.period !== '') nextMember = uncountRuleUse(nextMember, ruleId, took.period);
      continue;
    }
    rules[ruleId] = { period: took.period, ...(draws ? { draws } : {}) };
  }

  const common = { type: 'refund', orderId: order.orderId, amount } as const;
  const movements: Movement[] = [];
  let next: OrderState = {
    ...after,
    basket: { ...basket, ...(lines ? { lines } : {}), held, rules },
  };
  if (order.cashback) {
    const whole = basket.eligible > 0 ? basket.eligible : order.amount;
    const covered =
      refunded >= order.amount ? whole : basket.eligible > 0 ? whole - recomputed.eligibleAmount : refunded;
    const reversed = Math.max(order.cashback.reversed, proportionalShare(order.cashback.credited, covered, whole));
    const reversal = cashbackReversal(member, { ...order, cashback: order.cashback }, reversed);
    next = { ...next, cashback: reversal.cashback };
    if (reversal.cashbackMovement) movements.push({ ...common, ...reversal.cashbackMovement });
  }
  if (order.points) next = { ...next, points: { ...order.points, reversed: order.points.reversed + taken } };
  if (taken > 0 || movements.length === 0)
    movements.push({ ...common, points: -taken, ...(breakdown.length > 0 ? { breakdown } : {}) });
  return { member: nextMember, order: next, movements, budgetReturns, giftsUndone };
}

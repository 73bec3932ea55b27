import { budgetedCandidates, decideBasketEarn } from '@shared/domain/basket-earn';
import { withBirthdayBonusYear } from '@shared/domain/earn';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { assertNotEarned, orderForPurchase, resolveOccurredAt, type OrderState } from '@shared/domain/order';
import { allShardsRead, BUDGET_SHARDS, firstShards } from '@shared/domain/rule-budget';
import type { RuleGift } from '@shared/domain/ledger';
import type { Program } from '@shared/schemas/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { orderPut } from '@shared/store/items/order';
import { budgetDrawUpdate, findBudgetsGiven } from '@shared/store/items/rule-budget';
import { tierChanged, transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { enterPurchaseInRaffles } from './support/raffle-purchase-entries';
import { programForAmount, type PurchaseReport } from './support/program';
import { loadMemberAndOrder } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';
import { giveRuleGifts, withGifts } from './support/reward-codes';

/**
 * What an earn reads: the member and the order, and, beside them in the same round trip, a few
 * budget shards (from a random one on) of the rules with a budget the purchase could get.
 */
export async function loadForEarn(
  program: Program,
  memberId: string,
  purchase: PurchaseReport,
  now: Date,
  options: { lots?: boolean } = {},
) {
  const occurredAt = resolveOccurredAt(purchase.occurredAt, now);
  const candidates = budgetedCandidates(program, purchase, occurredAt).map((rule) => rule.id);
  // Concurrent earns start on different shards (see shared/domain/rule-budget.ts).
  const startShard = Math.floor(Math.random() * BUDGET_SHARDS);
  const [loaded, budgetsGiven] = await Promise.all([
    loadMemberAndOrder(memberId, purchase.orderId, now, options),
    findBudgetsGiven(candidates, firstShards(startShard)),
  ]);
  return { ...loaded, budgetsGiven, startShard };
}

/**
 * What an earn decides, with nothing written: the order it records (with its basket when the
 * order keeps one), the member with the purchase (and the limited rules it got) counted, the
 * points by the program's rules, and the draws on rule budgets. When the shards read first
 * cannot give a rule what it would give (the budget's last points), every shard of that rule is
 * read and the earn decided again: it then gets what the whole budget has left. The earn and
 * its preview both run this, so a preview is what the earn would credit.
 */
export async function earnDecision(
  program: Program,
  member: MemberState,
  existing: OrderState | undefined,
  purchase: PurchaseReport,
  now: Date,
  budgets: { budgetsGiven: Map<string, readonly (number | undefined)[]>; startShard: number } = {
    budgetsGiven: new Map(),
    startShard: 0,
  },
) {
  const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
  assertNotEarned(existing, purchase.orderId);
  const decide = (budgetsGiven: Map<string, readonly (number | undefined)[]>) =>
    decideBasketEarn({
      program,
      member,
      existing,
      purchase,
      occurredAt: order.occurredAt,
      now,
      budgetsGiven,
      startShard: budgets.startShard,
    });
  let decided = decide(budgets.budgetsGiven);
  const short = decided.earned.capped
    .map((rule) => rule.id)
    .filter((ruleId) => {
      const given = budgets.budgetsGiven.get(ruleId);
      return given !== undefined && !allShardsRead(given);
    });
  if (short.length > 0) {
    const all = await findBudgetsGiven(short);
    decided = decide(new Map([...budgets.budgetsGiven, ...all]));
  }
  return {
    order: decided.basket ? { ...order, basket: decided.basket } : order,
    purchased: decided.countUses(purchased),
    earned: decided.earned,
    draws: decided.draws,
  };
}

/** Earn: points for a purchase by the program's rules; one earn per order per member. */
export function earnPoints(memberId: string, purchase: PurchaseReport): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await programForAmount(purchase.amount);
    return async (now) => {
      const {
        member,
        order: existing,
        ...budgets
      } = await loadForEarn(program, memberId, purchase, now, {
        lots: true,
      });
      const decision = await earnDecision(program, member, existing, purchase, now, budgets);
      const { purchased, earned, draws } = decision;
      // Gift rules issue their codes in this same transaction (the member carries the codes' due time).
      const gifts = await giveRuleGifts(withBirthdayBonusYear(purchased, earned.birthdayBonusYear), earned.rules, now);
      const order = withGiftCodes(decision.order, gifts.gifts);
      const { member: next, entries } = postMovements(
        gifts.member,
        [
          {
            type: 'earn',
            points: earned.points,
            orderId: order.orderId,
            occurredAt: order.occurredAt,
            amount: purchase.amount.value,
            breakdown: withGifts(earned.breakdown, gifts.gifts),
            ...(purchase.channel !== undefined ? { channel: purchase.channel } : {}),
            ...(purchase.storeId !== undefined ? { storeId: purchase.storeId } : {}),
          },
        ],
        postingContext(caller, program, now),
      );
      const earnedOrder = { ...order, points: { earned: earned.points, reversed: 0 } };
      const raffles = await enterPurchaseInRaffles(program, member, existing, earnedOrder, now);
      const entry = postedEntry(entries, 'first');
      const tier = tierChanged(program, member, next, now);
      const budgetWrites: ConditionalWrite[] = [];
      for (const [ruleId, ruleDraws] of draws) {
        const budget = program.rules?.find((rule) => rule.id === ruleId)?.limits?.budgetPoints;
        if (budget === undefined) continue;
        for (const [shard, points] of ruleDraws)
          budgetWrites.push({ item: budgetDrawUpdate(ruleId, budget, shard, points) });
      }
      return outcome(entry, {
        members: [memberChange(member, tier.member, entries)],
        writes: [{ item: orderPut(raffles.order, order.version) }, ...raffles.writes, ...budgetWrites, ...gifts.writes],
        events: [transactionEvent('points.earned', entry), ...gifts.events, ...tier.events],
      });
    };
  };
}

/** The order remembers each gift rule's code, so a refund that undoes the rule can cancel it. */
function withGiftCodes(order: OrderState, gifts: ReadonlyMap<string, RuleGift>): OrderState {
  const basket = order.basket;
  if (!basket || gifts.size === 0) return order;
  const rules = { ...basket.rules };
  for (const [ruleId, gift] of gifts) {
    const taken = rules[ruleId];
    if (taken && 'codeId' in gift) rules[ruleId] = { ...taken, codeId: gift.codeId };
  }
  return { ...order, basket: { ...basket, rules } };
}

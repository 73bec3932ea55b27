import { budgetedCandidates, decideBasketEarn } from '@shared/domain/basket-earn';
import { withBirthdayBonusYear } from '@shared/domain/earn';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { assertNotEarned, orderForPurchase, resolveOccurredAt, type OrderState } from '@shared/domain/order';
import { BUDGET_SHARDS } from '@shared/domain/rule-budget';
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

/**
 * What an earn reads: the member and the order, and, beside them in the same round trip, the
 * budget shards of the rules with a budget the purchase could get.
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
  const [loaded, budgetsGiven] = await Promise.all([
    loadMemberAndOrder(memberId, purchase.orderId, now, options),
    findBudgetsGiven(candidates),
  ]);
  return { ...loaded, budgetsGiven };
}

/**
 * What an earn decides, with nothing written: the order it records (with its basket when the
 * order keeps one), the member with the purchase (and the limited rules it got) counted, the
 * points by the program's rules, and the draws on rule budgets. The earn and its preview both
 * run this, so a preview is what the earn would credit.
 */
export function earnDecision(
  program: Program,
  member: MemberState,
  existing: OrderState | undefined,
  purchase: PurchaseReport,
  now: Date,
  budgetsGiven: Map<string, number[]> = new Map(),
) {
  const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
  assertNotEarned(existing, purchase.orderId);
  const decided = decideBasketEarn({
    program,
    member,
    existing,
    purchase,
    occurredAt: order.occurredAt,
    now,
    budgetsGiven,
    // Concurrent earns start their draws on different shards (see shared/domain/rule-budget.ts).
    startShard: Math.floor(Math.random() * BUDGET_SHARDS),
  });
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
        budgetsGiven,
      } = await loadForEarn(program, memberId, purchase, now, {
        lots: true,
      });
      const { order, purchased, earned, draws } = earnDecision(program, member, existing, purchase, now, budgetsGiven);
      const { member: next, entries } = postMovements(
        withBirthdayBonusYear(purchased, earned.birthdayBonusYear),
        [
          {
            type: 'earn',
            points: earned.points,
            orderId: order.orderId,
            occurredAt: order.occurredAt,
            amount: purchase.amount.value,
            breakdown: earned.breakdown,
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
        writes: [{ item: orderPut(raffles.order, order.version) }, ...raffles.writes, ...budgetWrites],
        events: [transactionEvent('points.earned', entry), ...tier.events],
      });
    };
  };
}

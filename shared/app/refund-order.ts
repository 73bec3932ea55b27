import { planBasketRefund, type OrderBasket } from '@shared/domain/basket-order';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
import { refundableOrder, type OrderState } from '@shared/domain/order';
import { planRefund } from '@shared/domain/refund';
import type { Program } from '@shared/schemas/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { orderPut } from '@shared/store/items/order';
import { budgetReturnUpdate } from '@shared/store/items/rule-budget';
import { currentProgram } from '@shared/store/program';
import { cancelUndoneGifts } from './codes';
import { tierChanged, transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { programVersion } from './support/program-versions';
import { takeBackRaffleEntries } from './support/raffle-purchase-entries';
import { loadMemberAndOrder } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

export interface RefundReport {
  orderId: string;
  amount?: Money | undefined;
  lines?: { lineId: string; quantity: number }[] | undefined;
}

/**
 * A full or partial refund, from the facts stored on the order item (never a search of the
 * ledger), taking the amount out of the member's qualifying spend. An order earned with a
 * basket (or under basket rules) is RECOMPUTED under the program version it was earned under
 * (shared/domain/basket-order.ts): the difference is taken back, budgets get their points back.
 * Any other order reverses its points and cashback in proportion. The order's version
 * condition keeps two refunds of one order from both passing the "not more than the order" check.
 */
export function refundOrder(memberId: string, refund: RefundReport): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    if (refund.amount) assertCurrency(refund.amount, program.currency, 'body.amount');
    return async (now) => {
      const { member, order: recorded } = await loadMemberAndOrder(memberId, refund.orderId, now, { lots: true });
      const order = refundableOrder(recorded, memberId, refund.orderId);
      const { plan, budgetWrites, giftsUndone } = order.basket
        ? await planRecomputedRefund(member, { ...order, basket: order.basket }, refund, now)
        : {
            plan: planRefund(member, order, proportionalAmount(order, refund), now),
            budgetWrites: [],
            giftsUndone: [],
          };
      const gifts = await cancelUndoneGifts(memberId, giftsUndone, now);
      const posting = postingContext(caller, program, now);
      const { member: next, entries } = postMovements(plan.member, plan.movements, posting);
      const raffles = await takeBackRaffleEntries(plan.order);
      const tier = tierChanged(program, member, next, now);
      return outcome(postedEntry(entries, 'last'), {
        members: [memberChange(member, tier.member, entries)],
        writes: [{ item: orderPut(raffles.order, order.version) }, ...raffles.writes, ...budgetWrites, ...gifts.writes],
        // One event per refund entry (points, then each cashback reversal): each is a transaction.
        events: [
          ...entries.map((entry) => transactionEvent('points.refunded', entry)),
          ...gifts.events,
          ...tier.events,
        ],
      });
    };
  };
}

/** An order without a basket has no lines: only an amount can be refunded of it. */
function proportionalAmount(order: OrderState, refund: RefundReport): number {
  if (refund.lines || !refund.amount)
    throw new DomainError(
      'unknown-order-line',
      `Order ${order.orderId} was earned without lines: refund it by amount.`,
      (refund.lines ?? [{ lineId: '' }]).map((line, index) => ({
        path: `body.lines.${index}.lineId`,
        message: `order ${order.orderId} has no line "${line.lineId}"`,
      })),
    );
  return refund.amount.value;
}

async function planRecomputedRefund(
  member: Parameters<typeof planBasketRefund>[1],
  order: OrderState & { basket: OrderBasket },
  refund: RefundReport,
  now: Date,
) {
  const program: Program = await programVersion(order.basket.programVersion);
  const plan = planBasketRefund(
    program,
    member,
    order,
    {
      ...(refund.amount ? { amount: refund.amount.value } : {}),
      ...(refund.lines ? { lines: refund.lines } : {}),
    },
    now,
  );
  const budgetWrites: ConditionalWrite[] = plan.budgetReturns.flatMap(({ ruleId, draws }) =>
    draws.map(([shard, points]) => ({ item: budgetReturnUpdate(ruleId, shard, points) })),
  );
  return { plan, budgetWrites, giftsUndone: plan.giftsUndone };
}

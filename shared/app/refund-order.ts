import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { Money } from '@shared/domain/money';
import { refundableOrder } from '@shared/domain/order';
import { planRefund } from '@shared/domain/refund';
import { orderPut } from '@shared/store/items/order';
import { tierChanged, transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { takeBackRaffleEntries } from './support/raffle-purchase-entries';
import { programForAmount } from './support/program';
import { loadMemberAndOrder } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/**
 * A full or partial refund: reverses the order's points and cashback in proportion, from
 * the facts stored on the order item (never a search of the ledger), and takes the amount
 * out of the member's qualifying spend. The order's version condition keeps two refunds
 * of one order from both passing the "not more than the order" check.
 */
export function refundOrder(memberId: string, refund: { orderId: string; amount: Money }): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await programForAmount(refund.amount);
    return async (now) => {
      const { member, order: recorded } = await loadMemberAndOrder(memberId, refund.orderId, now, { lots: true });
      const order = refundableOrder(recorded, memberId, refund.orderId);
      const plan = planRefund(member, order, refund.amount.value, now);
      const posting = postingContext(caller, program, now);
      const { member: next, entries } = postMovements(plan.member, plan.movements, posting);
      const raffles = await takeBackRaffleEntries(plan.order);
      const tier = tierChanged(program, member, next, now);
      return outcome(postedEntry(entries, 'last'), {
        members: [memberChange(member, tier.member, entries)],
        writes: [{ item: orderPut(raffles.order, order.version) }, ...raffles.writes],
        // One event per refund entry (points, then each cashback reversal): each is a transaction.
        events: [...entries.map((entry) => transactionEvent('points.refunded', entry)), ...tier.events],
      });
    };
  };
}

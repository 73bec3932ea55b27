import { cashbackCredit } from '@shared/domain/cashback';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertNotCredited, orderForPurchase } from '@shared/domain/order';
import { orderPut } from '@shared/store/items/order';
import { tierChanged, transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { programForAmount, type PurchaseReport } from './support/program';
import { loadMemberAndOrder } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/**
 * Cashback for a purchase: the member's tier rate, pending during the return window.
 * One credit per order per member; an order that already earned points is the same
 * purchase, so it is not counted again.
 */
export function creditCashback(memberId: string, purchase: PurchaseReport): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await programForAmount(purchase.amount);
    return async (now) => {
      const { member, order: existing } = await loadMemberAndOrder(memberId, purchase.orderId, now);
      const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
      assertNotCredited(existing, purchase.orderId);
      const credit = cashbackCredit(
        program,
        member,
        // An order earned with a basket credits its eligible amount (excluded lines and tenders off).
        { order, recorded: existing !== undefined, amount: existing?.basket?.eligible ?? purchase.amount.value },
        now,
      );
      const posting = postingContext(caller, program, now);
      const { member: next, entries } = postMovements(purchased, [credit.movement], posting);
      const cashback = { credited: credit.credited, reversed: credit.reversed, releaseAt: credit.releaseAt };
      const entry = postedEntry(entries, 'last');
      const tier = tierChanged(program, member, next, now);
      return outcome(entry, {
        members: [memberChange(member, tier.member, entries)],
        writes: [{ item: orderPut({ ...order, cashback }, order.version) }],
        events: [transactionEvent('cashback.credited', entry), ...tier.events],
      });
    };
  };
}

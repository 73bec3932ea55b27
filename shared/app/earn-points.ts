import { pointsForPurchase, withBirthdayBonusYear } from '@shared/domain/earn';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
import { assertNotEarned, orderForPurchase } from '@shared/domain/order';
import { findOrder, orderPut } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { tierChangedEvents, transactionEvent } from './emit';
import { postingContext } from './posting';
import { loadActiveMember, memberChange, outcome, postedEntry, type UseCase } from './use-case';

/** Earn: points for a purchase by the program's rules; one earn per order per member. */
export function earnPoints(
  memberId: string,
  purchase: { orderId: string; amount: Money; occurredAt?: string },
): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    assertCurrency(purchase.amount, program.currency, 'body.amount');
    return async (now) => {
      const [member, existing] = await Promise.all([
        loadActiveMember(memberId, now),
        findOrder(memberId, purchase.orderId),
      ]);
      const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
      assertNotEarned(existing, purchase.orderId);
      const earned = pointsForPurchase(
        program,
        member,
        { orderId: order.orderId, amount: purchase.amount, occurredAt: order.occurredAt },
        now,
        existing,
      );
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
          },
        ],
        postingContext(caller, program, now),
      );
      const entry = postedEntry(entries, 'first');
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        writes: [{ item: orderPut({ ...order, points: { earned: earned.points, reversed: 0 } }, order.version) }],
        events: [transactionEvent('points.earned', entry), ...tierChangedEvents(program, member, next, now)],
      });
    };
  };
}

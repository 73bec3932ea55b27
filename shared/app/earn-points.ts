import { pointsForPurchase, withBirthdayBonusYear } from '@shared/domain/earn';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { assertNotEarned, orderForPurchase, type OrderState } from '@shared/domain/order';
import type { Program } from '@shared/schemas/program';
import { orderPut } from '@shared/store/items/order';
import { tierChanged, transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { enterPurchaseInRaffles } from './support/raffle-purchase-entries';
import { programForAmount, type PurchaseReport } from './support/program';
import { loadMemberAndOrder } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/**
 * What an earn decides, with nothing written: the order it records, the member with the
 * purchase counted, and the points by the program's rules. The earn and its preview both
 * run this, so a preview is what the earn would credit.
 */
export function earnDecision(
  program: Program,
  member: MemberState,
  existing: OrderState | undefined,
  purchase: PurchaseReport,
  now: Date,
) {
  const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
  assertNotEarned(existing, purchase.orderId);
  const earned = pointsForPurchase(
    program,
    member,
    { orderId: order.orderId, amount: purchase.amount, occurredAt: order.occurredAt },
    now,
    existing,
  );
  return { order, purchased, earned };
}

/** Earn: points for a purchase by the program's rules; one earn per order per member. */
export function earnPoints(memberId: string, purchase: PurchaseReport): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await programForAmount(purchase.amount);
    return async (now) => {
      const { member, order: existing } = await loadMemberAndOrder(memberId, purchase.orderId, now, { lots: true });
      const { order, purchased, earned } = earnDecision(program, member, existing, purchase, now);
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
      const earnedOrder = { ...order, points: { earned: earned.points, reversed: 0 } };
      const raffles = await enterPurchaseInRaffles(program, member, existing, earnedOrder, now);
      const entry = postedEntry(entries, 'first');
      const tier = tierChanged(program, member, next, now);
      return outcome(entry, {
        members: [memberChange(member, tier.member, entries)],
        writes: [{ item: orderPut(raffles.order, order.version) }, ...raffles.writes],
        events: [transactionEvent('points.earned', entry), ...tier.events],
      });
    };
  };
}

import { pointsForPurchase, withBirthdayBonusYear } from '@shared/domain/earn';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
import type { MemberState } from '@shared/domain/member';
import { assertNotEarned, orderForPurchase, type OrderState } from '@shared/domain/order';
import type { Program } from '@shared/schemas/program';
import { findOrder, orderPut } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { postingContext } from './posting';
import { loadActiveMember, memberChange, outcome, postedEntry, type UseCase } from './use-case';

type EarnPurchase = { orderId: string; amount: Money; occurredAt?: string };

/**
 * What an earn decides, with nothing written: the order it records, the member with the
 * purchase counted, and the points by the program's rules. The earn and its preview both
 * run this, so a preview is what the earn would credit.
 */
export function earnDecision(
  program: Program,
  member: MemberState,
  existing: OrderState | undefined,
  purchase: EarnPurchase,
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
export function earnPoints(memberId: string, purchase: EarnPurchase): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    assertCurrency(purchase.amount, program.currency, 'body.amount');
    return async (now) => {
      const [member, existing] = await Promise.all([
        loadActiveMember(memberId, now),
        findOrder(memberId, purchase.orderId),
      ]);
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
      return outcome(postedEntry(entries, 'first'), {
        members: [memberChange(member, next, entries)],
        writes: [{ item: orderPut({ ...order, points: { earned: earned.points, reversed: 0 } }, order.version) }],
      });
    };
  };
}

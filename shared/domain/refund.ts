import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import { proportionalShare } from './money';
import type { OrderState } from './order';
import { recordSpend } from './tiers';

export interface RefundPlan {
  /** The member with the refunded spend taken out of its qualifying spend (balances move through the movements). */
  member: MemberState;
  order: OrderState;
  movements: Movement[];
}

/**
 * The cashback movement of a refund that brings the order's reversed cashback to `reversed`
 * (cumulative): from the pending lot while the order's cashback is still in its hold, else
 * from available cashback. No movement when nothing more is reversed.
 */
export function cashbackReversal(
  member: Pick<MemberState, 'cashback'>,
  order: OrderState & { cashback: NonNullable<OrderState['cashback']> },
  reversed: number,
): { cashback: NonNullable<OrderState['cashback']>; cashbackMovement?: Pick<Movement, 'points' | 'cashback'> } {
  const value = reversed - order.cashback.reversed;
  const cashback = { ...order.cashback, reversed };
  if (value <= 0) return { cashback };
  const stillPending = member.cashback.pending.some((lot) => lot.orderId === order.orderId);
  return {
    cashback,
    cashbackMovement: { points: 0, cashback: { value: -value, status: stillPending ? 'pending' : 'available' } },
  };
}

/**
 * A refund of `amount` (minor units) of an order reverses, in proportion, what the order
 * earned. Reversals are cumulative: the total reversed after this refund is the share of
 * everything refunded so far, minus what earlier refunds already reversed, so partial
 * refunds add up exactly to what the order earned (the last one takes the remainder).
 *
 * `member` must be settled at the refund's time: cashback still in its hold is reversed
 * from the pending lot (it never becomes available), released cashback from available,
 * which may go below zero, as may points: the member already spent what the order earned.
 */
export function planRefund(member: MemberState, order: OrderState, amount: number, now: Date): RefundPlan {
  const remaining = order.amount - order.refunded;
  if (amount > remaining) {
    throw new DomainError(
      'refund-exceeds-order',
      `Order ${order.orderId} has ${remaining} left to refund; ${amount} was asked.`,
      [{ path: 'body.amount.value', message: `must be at most ${remaining}` }],
    );
  }
  const refunded = order.refunded + amount;
  const common = { type: 'refund', orderId: order.orderId, amount } as const;
  const movements: Movement[] = [];
  let next: OrderState = { ...order, refunded };

  if (order.cashback) {
    const reversal = cashbackReversal(
      member,
      { ...order, cashback: order.cashback },
      proportionalShare(order.cashback.credited, refunded, order.amount),
    );
    next = { ...next, cashback: reversal.cashback };
    if (reversal.cashbackMovement) movements.push({ ...common, ...reversal.cashbackMovement });
  }
  // Points last: the entry the caller gets back then carries the balances after the whole refund.
  if (order.points) {
    const reversed = proportionalShare(order.points.earned, refunded, order.amount);
    const points = reversed - order.points.reversed;
    next = { ...next, points: { ...order.points, reversed } };
    if (points > 0) movements.push({ ...common, points: -points });
  }
  // Too small to reverse anything: the refund is still on the ledger, with its amount.
  if (movements.length === 0) movements.push({ ...common, points: 0 });

  return {
    member: {
      ...member,
      purchases: {
        ...member.purchases,
        spendByDay: recordSpend(member.purchases.spendByDay, order.occurredAt, -amount, now),
      },
    },
    order: next,
    movements,
  };
}

import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import { reservedPoints } from './codes';

/**
 * A redemption never takes the balance below zero. After a refund left the balance
 * negative, every redemption is refused until purchases bring it back above zero.
 */
export function redeemPointsMovement(
  member: MemberState,
  points: number,
  extra: Pick<Movement, 'orderId' | 'rewardId' | 'raffleId'> = {},
): Movement {
  // Points reserved for codes charged at use are the member's, but promised: not spendable.
  const spendable = member.points.balance - reservedPoints(member);
  if (member.points.balance < 0) {
    throw new DomainError(
      'negative-balance',
      `The balance is ${member.points.balance} after a refund; redemptions resume once it is positive.`,
    );
  }
  if (spendable < points) {
    throw new DomainError('insufficient-points', `The balance is ${spendable} points; ${points} were asked.`);
  }
  return { type: 'redeem', points: -points, redemption: true, ...extra };
}

import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';

/**
 * A redemption never takes the balance below zero. After a refund left the balance
 * negative, every redemption is refused until purchases bring it back above zero.
 */
export function redeemPointsMovement(
  member: MemberState,
  points: number,
  extra: Pick<Movement, 'orderId' | 'rewardId' | 'raffleId'> = {},
): Movement {
  if (member.points.balance < 0) {
    throw new DomainError(
      'negative-balance',
      `The balance is ${member.points.balance} after a refund; redemptions resume once it is positive.`,
    );
  }
  if (member.points.balance < points) {
    throw new DomainError(
      'insufficient-points',
      `The balance is ${member.points.balance} points; ${points} were asked.`,
    );
  }
  return { type: 'redeem', points: -points, redemption: true, ...extra };
}

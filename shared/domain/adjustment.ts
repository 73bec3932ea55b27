import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';

/** A correction by hand (a support desk): signed points and/or signed available cashback, with its reason. */
export interface Adjustment {
  points?: number;
  /** Signed minor units of the program currency; moves available cashback only. */
  cashback?: number;
  reason: string;
  reference?: string;
}

/**
 * The adjustment's one movement. A credit is always allowed; a debit never takes a balance
 * below zero (a refund is the only thing that may), so the debit must be covered by what
 * the member has now.
 */
export function adjustmentMovement(member: Pick<MemberState, 'points' | 'cashback'>, adjustment: Adjustment): Movement {
  const points = adjustment.points ?? 0;
  const cashback = adjustment.cashback ?? 0;
  if (points < 0 && member.points.balance + points < 0)
    throw new DomainError(
      'insufficient-points',
      `The balance is ${member.points.balance} points; an adjustment of ${points} would take it below zero.`,
    );
  if (cashback < 0 && member.cashback.available + cashback < 0)
    throw new DomainError(
      'insufficient-cashback',
      `The available cashback is ${member.cashback.available}; an adjustment of ${cashback} would take it below zero.`,
    );
  return {
    type: 'adjustment',
    points,
    ...(cashback !== 0 ? { cashback: { value: cashback, status: 'available' as const } } : {}),
    reason: adjustment.reason,
    ...(adjustment.reference !== undefined ? { reference: adjustment.reference } : {}),
  };
}

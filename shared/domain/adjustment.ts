import { reservedPoints } from './codes';
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
  const spendable = member.points.balance - reservedPoints(member);
  if (points < 0 && spendable + points < 0)
    throw new DomainError(
      'insufficient-points',
      `The balance is ${spendable} points; an adjustment of ${points} would take it below zero.`,
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

/**
 * Adjustment credits are capped per partner per UTC day (the region's `adjustmentDailyPointsCap`):
 * a leaked support key, or a script gone wrong, can then mint no more than one day's budget.
 * Debits and cashback are not counted: they take nothing a member could spend.
 */
export const adjustmentBudgetDay = (at: Date) => at.toISOString().slice(0, 10);

export function adjustmentBudgetExceeded(
  partnerId: string,
  points: number,
  dailyBudget: number,
  credited: number,
): DomainError {
  return new DomainError(
    'adjustment-budget-exceeded',
    `Partner ${partnerId} has credited ${credited} of its ${dailyBudget} adjustment points today (UTC); ` +
      `a credit of ${points} would exceed it. The budget starts again at 00:00 UTC.`,
    [{ path: 'body.points', message: `must be at most ${Math.max(0, dailyBudget - credited)} today` }],
  );
}

import type { ProgramRules } from '@shared/schemas/program';
import type { BreakdownLine } from './ledger';
import type { MemberState } from './member';
import { floorRatio, minorUnitsPerMajor, type Money } from './money';

export interface Purchase {
  orderId: string;
  amount: Money;
  occurredAt: string;
}

export interface EarnResult {
  points: number;
  breakdown: BreakdownLine[];
}

/**
 * Points for a purchase: the program's base rate per whole major unit, rounded down.
 * Every rule that applies adds a breakdown line, and the lines always sum to `points`.
 */
export function pointsForPurchase(program: ProgramRules, _member: MemberState, purchase: Purchase): EarnResult {
  const base = floorRatio(purchase.amount.value, program.earn.pointsPerUnit, minorUnitsPerMajor(program.currency));
  const breakdown: BreakdownLine[] = [{ rule: 'base', points: base }];
  return { points: breakdown.reduce((sum, line) => sum + line.points, 0), breakdown };
}

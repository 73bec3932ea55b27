import {
  adjustmentBudgetDay,
  adjustmentBudgetExceeded,
  adjustmentMovement,
  type Adjustment,
} from '@shared/domain/adjustment';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
import type { ConditionalWrite } from '@shared/store/commit';
import { adjustmentBudgetDraw } from '@shared/store/items/adjustment-budget';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

export interface AdjustmentRequest {
  points?: number;
  cashback?: Money;
  reason: string;
  reference?: string;
}

/** Points one partner may credit by adjustment per UTC day: the region's setting (infra/config/regions.ts). */
export const DEFAULT_ADJUSTMENT_DAILY_POINTS_CAP = 1_000_000;

export function adjustmentDailyPointsCap(): number {
  const configured = Number(process.env.ADJUSTMENT_DAILY_POINTS_CAP);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_ADJUSTMENT_DAILY_POINTS_CAP;
}

/**
 * A correction by hand: one `adjustment` ledger entry with its reason, reference and the
 * calling partner (the posting context records who), and its `points.adjusted` event (the
 * transaction, points and/or cashback). A debit never takes a balance below zero.
 */
export function adjustBalance(memberId: string, request: AdjustmentRequest): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    if (request.cashback) assertCurrency(request.cashback, program.currency, 'body.cashback');
    const adjustment: Adjustment = {
      ...(request.points !== undefined ? { points: request.points } : {}),
      ...(request.cashback ? { cashback: request.cashback.value } : {}),
      reason: request.reason,
      ...(request.reference !== undefined ? { reference: request.reference } : {}),
    };
    const credit = Math.max(0, request.points ?? 0);
    const dailyBudget = adjustmentDailyPointsCap();
    if (credit > dailyBudget) throw adjustmentBudgetExceeded(caller.partnerId, credit, dailyBudget, 0);
    return async (now) => {
      const member = await loadActiveMember(memberId, now, { lots: true });
      const { member: next, entries } = postMovements(
        member,
        [adjustmentMovement(member, adjustment)],
        postingContext(caller, program, now),
      );
      const entry = postedEntry(entries, 'first');
      // The day's credits are counted in the adjustment's own transaction: concurrent credits cannot overspend.
      const budget: ConditionalWrite[] =
        credit > 0
          ? [
              {
                item: adjustmentBudgetDraw(caller.partnerId, adjustmentBudgetDay(now), credit, dailyBudget),
                onConditionFailed: (existing) =>
                  adjustmentBudgetExceeded(caller.partnerId, credit, dailyBudget, Number(existing?.credited ?? 0)),
              },
            ]
          : [];
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        writes: budget,
        events: [transactionEvent('points.adjusted', entry)],
        // The reason and reference may name the person: the log keeps the amounts and ids only.
        audit: {
          kind: 'points.adjusted',
          target: `member:${memberId}`,
          summary: `Member ${memberId} adjusted by ${adjustedAmounts(adjustment, program.currency)} (${entry.transactionId})`,
        },
      });
    };
  };
}

/** An adjustment's amounts in words, for the audit log: `+500 points`, `-250 EUR minor units`. */
function adjustedAmounts(adjustment: Adjustment, currency: string): string {
  const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));
  return [
    ...(adjustment.points !== undefined ? [`${signed(adjustment.points)} points`] : []),
    ...(adjustment.cashback !== undefined
      ? [`${signed(adjustment.cashback)} ${currency} minor units of cashback`]
      : []),
  ].join(' and ');
}

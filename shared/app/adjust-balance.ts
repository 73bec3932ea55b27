import { adjustmentMovement, type Adjustment } from '@shared/domain/adjustment';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
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
    return async (now) => {
      const member = await loadActiveMember(memberId, now, { lots: true });
      const { member: next, entries } = postMovements(
        member,
        [adjustmentMovement(member, adjustment)],
        postingContext(caller, program, now),
      );
      const entry = postedEntry(entries, 'first');
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        events: [transactionEvent('points.adjusted', entry)],
      });
    };
  };
}

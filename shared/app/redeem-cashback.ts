import { redeemCashbackMovement } from '@shared/domain/cashback';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { Money } from '@shared/domain/money';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { programForAmount } from './support/program';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/** Spends available cashback; the member's version condition keeps concurrent spends from overdrawing it. */
export function redeemCashback(memberId: string, request: { amount: Money; orderId?: string }): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await programForAmount(request.amount);
    return async (now) => {
      const member = await loadActiveMember(memberId, now);
      const movement = redeemCashbackMovement(
        member,
        request.amount.value,
        request.orderId ? { orderId: request.orderId } : {},
      );
      const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
      const entry = postedEntry(entries, 'last');
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        events: [transactionEvent('cashback.redeemed', entry)],
      });
    };
  };
}

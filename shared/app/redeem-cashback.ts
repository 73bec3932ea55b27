import { redeemCashbackMovement } from '@shared/domain/cashback';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { Money } from '@shared/domain/money';
import { transactionEvent } from './emit';
import { postingContext } from './posting';
import { programForAmount } from './program';
import { loadActiveMember, memberChange, outcome, postedEntry, type UseCase } from './use-case';

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

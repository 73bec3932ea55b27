import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { redeemPointsMovement } from '@shared/domain/redeem';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/** Redeem a number of points (rewards of the catalog go through `redeemReward`). */
export function redeemPoints(memberId: string, request: { points: number; orderId?: string }): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const member = await loadActiveMember(memberId, now, { lots: true });
      const movement = redeemPointsMovement(
        member,
        request.points,
        request.orderId ? { orderId: request.orderId } : {},
      );
      const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
      const entry = postedEntry(entries, 'first');
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        events: [transactionEvent('points.redeemed', entry)],
      });
    };
  };
}

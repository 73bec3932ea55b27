import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { rewardRedemption } from '@shared/domain/rewards';
import { findReward, rewardStockTake } from '@shared/store/items/reward';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

/** Redeem a reward of the catalog: its cost in points, one unit of its stock, in one transaction. */
export function redeemReward(memberId: string, request: { rewardId: string; orderId?: string }): UseCase<LedgerEntry> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      // Read together: the two reads go out as one BatchGetItem (shared/store/get.ts).
      const [member, reward] = await Promise.all([
        loadActiveMember(memberId, now, { lots: true }),
        findReward(request.rewardId),
      ]);
      if (!reward) throw new DomainError('reward-not-found', `No reward ${request.rewardId}.`);
      const movement = rewardRedemption(member, reward, program, now, request.orderId);
      const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
      const entry = postedEntry(entries, 'first');
      // The stock condition makes this write the one that took the last unit, if it is 1 now.
      const lastUnit = reward.stock === 1;
      return outcome(entry, {
        members: [memberChange(member, next, entries)],
        events: [
          transactionEvent('reward.redeemed', entry),
          ...(lastUnit ? [{ type: 'reward.out-of-stock' as const, data: { rewardId: reward.rewardId } }] : []),
        ],
        // Someone took the last unit or the admin changed the reward since we read it: the
        // conflict reads both again; the retry answers out-of-stock (or redeems on the new terms).
        writes: [{ item: rewardStockTake(reward) }],
      });
    };
  };
}

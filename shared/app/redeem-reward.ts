import { codeView, donationPoints, type CodeView } from '@shared/domain/codes';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry, type Movement } from '@shared/domain/ledger';
import { redeemPointsMovement } from '@shared/domain/redeem';
import { rewardRedemption } from '@shared/domain/rewards';
import { donationAdd, donorMarkPut, hasDonated } from '@shared/store/items/reward-counters';
import { findReward, rewardStockTake } from '@shared/store/items/reward';
import { currentProgram } from '@shared/store/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type EmittedEvent, type UseCase } from './support/outcome';
import { codeFulfilmentOf, issueRewardCode } from './support/reward-codes';

/** What a redemption answers: its ledger entry, and for a code reward the code issued. */
export interface Redemption {
  entry: LedgerEntry;
  code?: CodeView;
}

/**
 * Redeem a reward of the catalog, in one transaction: its cost in points and one unit of its
 * stock; for a code reward also the code (charged at use: the points reserved, a `redeem` entry of
 * 0 points records the redemption); for a donation the points given (`points` ≥ the cost) and the
 * cause's sharded totals.
 */
export function redeemReward(
  memberId: string,
  request: { rewardId: string; orderId?: string; points?: number },
): UseCase<Redemption> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      // Read together: the reads go out as one BatchGetItem (shared/store/get.ts).
      const [member, reward, donated] = await Promise.all([
        loadActiveMember(memberId, now, { lots: true }),
        findReward(request.rewardId),
        hasDonated(memberId, request.rewardId),
      ]);
      if (!reward) throw new DomainError('reward-not-found', `No reward ${request.rewardId}.`);
      const donation = reward.fulfilment?.type === 'donation';
      if (request.points !== undefined && !donation)
        throw new DomainError('not-a-donation', `Reward ${reward.rewardId} takes no number of points.`, [
          { path: 'body.points', message: 'only a donation reward takes a number of points' },
        ]);
      // Availability, tier and stock, and the balance for the reward's cost.
      const costMovement = rewardRedemption(member, reward, program, now, request.orderId);
      const fulfilment = codeFulfilmentOf(reward);
      const extra = request.orderId ? { orderId: request.orderId } : {};
      let movement: Movement = costMovement;
      if (donation)
        movement = redeemPointsMovement(member, donationPoints(reward, request.points), {
          rewardId: reward.rewardId,
          ...extra,
        });
      if (fulfilment?.chargeOn === 'use')
        movement = { type: 'redeem', points: 0, redemption: true, rewardId: reward.rewardId, ...extra };

      let writer = member;
      const writes: ConditionalWrite[] = [];
      const events: EmittedEvent[] = [];
      let code: CodeView | undefined;
      if (fulfilment) {
        const issued = await issueRewardCode(member, reward, fulfilment, reward.pointsCost, now);
        if (!issued) throw new DomainError('reward-out-of-stock', `Reward ${reward.rewardId} has no code left.`);
        writer = issued.member;
        writes.push(...issued.writes);
        events.push(...issued.events);
        code = codeView(issued.code, now);
      } else {
        writes.push({ item: rewardStockTake(reward) });
        // The stock condition makes this write the one that took the last unit, if it is 1 now.
        if (reward.stock === 1) events.push({ type: 'reward.out-of-stock', data: { rewardId: reward.rewardId } });
      }
      if (donation) {
        const points = -movement.points;
        // The member's first gift to the cause counts them (the mark's condition settles a race).
        writes.push({ item: donationAdd(reward.rewardId, { points, members: donated ? 0 : 1 }) });
        if (!donated) writes.push({ item: donorMarkPut(memberId, reward.rewardId, now.toISOString()) });
      }
      const { member: next, entries } = postMovements(writer, [movement], postingContext(caller, program, now));
      const entry = postedEntry(entries, 'first');
      return outcome(code ? { entry, code } : { entry }, {
        members: [memberChange(member, next, entries)],
        events: [transactionEvent('reward.redeemed', entry), ...events],
        writes,
      });
    };
  };
}

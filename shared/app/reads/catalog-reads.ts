import { reservedPoints } from '@shared/domain/codes';
import { DomainError } from '@shared/domain/errors';
import { rewardAvailableAt, rewardForMember, rewardView } from '@shared/domain/rewards';
import { currentProgram } from '@shared/store/program';
import { donationTotals } from '@shared/store/items/reward-counters';
import { findLatestSnapshot, listCatalog, listSnapshots } from '@shared/store/queries';
import { lotPoints } from '../support/lots';
import { loadActiveMember } from '../support/load';
import type { Snapshot } from '../take-snapshot';

/**
 * The rewards a member can see now (active, inside their window), in rewardId order; a donation
 * reward with what members gave to it, summed from its sharded counts (one batch read per page).
 */
export async function listRewards(limit: number, cursor: string | undefined, now: Date) {
  const page = await listCatalog(limit, cursor, (reward) => rewardAvailableAt(reward, now));
  const causes = page.items.filter((reward) => reward.fulfilment?.type === 'donation').map((r) => r.rewardId);
  const donated = causes.length > 0 ? await donationTotals(causes) : new Map<string, never>();
  return {
    ...page,
    items: page.items.map((reward) => {
      const given = donated.get(reward.rewardId);
      return given ? { ...rewardView(reward), donated: given } : rewardView(reward);
    }),
  };
}

/**
 * The same rewards as a member's own app shows them: each says whether the member may redeem it
 * now (`eligible`: tier, stock) and whether their spendable balance covers it (`affordable`).
 */
export async function listRewardsForMember(
  memberId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
) {
  const [member, program, found] = await Promise.all([
    loadActiveMember(memberId, now, { lots: true }),
    currentProgram(),
    listCatalog(page.limit, page.cursor, (reward) => rewardAvailableAt(reward, now)),
  ]);
  // Points reserved for codes charged at use are promised: not spendable (as in the member view).
  const spendable = ((await lotPoints(member, now))?.balance ?? member.points.balance) - reservedPoints(member);
  return { ...found, items: found.items.map((reward) => rewardForMember(reward, member, spendable, program, now)) };
}

export { listSnapshots };

export async function latestSnapshot(): Promise<Snapshot> {
  const latest = await findLatestSnapshot();
  if (!latest) throw new DomainError('snapshot-not-found', 'No snapshot was computed yet.');
  return latest;
}

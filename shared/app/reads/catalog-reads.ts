import { DomainError } from '@shared/domain/errors';
import { rewardAvailableAt, rewardForMember, rewardView } from '@shared/domain/rewards';
import { currentProgram } from '@shared/store/program';
import { findLatestSnapshot, listCatalog, listSnapshots } from '@shared/store/queries';
import { lotPoints } from '../support/lots';
import { loadActiveMember } from '../support/load';
import type { Snapshot } from '../take-snapshot';

/** The rewards a member can see now (active, inside their window), in rewardId order. */
export async function listRewards(limit: number, cursor: string | undefined, now: Date) {
  const page = await listCatalog(limit, cursor, (reward) => rewardAvailableAt(reward, now));
  return { ...page, items: page.items.map(rewardView) };
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
  const spendable = (await lotPoints(member, now))?.balance ?? member.points.balance;
  return { ...found, items: found.items.map((reward) => rewardForMember(reward, member, spendable, program, now)) };
}

export { listSnapshots };

export async function latestSnapshot(): Promise<Snapshot> {
  const latest = await findLatestSnapshot();
  if (!latest) throw new DomainError('snapshot-not-found', 'No snapshot was computed yet.');
  return latest;
}

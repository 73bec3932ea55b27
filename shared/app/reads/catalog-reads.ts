import { DomainError } from '@shared/domain/errors';
import { rewardAvailableAt, rewardView } from '@shared/domain/rewards';
import { findLatestSnapshot, listCatalog, listSnapshots } from '@shared/store/queries';
import type { Snapshot } from '../take-snapshot';

/** The rewards a member can see now (active, inside their window), in rewardId order. */
export async function listRewards(limit: number, cursor: string | undefined, now: Date) {
  const page = await listCatalog(limit, cursor, (reward) => rewardAvailableAt(reward, now));
  return { ...page, items: page.items.map(rewardView) };
}

export { listSnapshots };

export async function latestSnapshot(): Promise<Snapshot> {
  const latest = await findLatestSnapshot();
  if (!latest) throw new DomainError('snapshot-not-found', 'No snapshot was computed yet.');
  return latest;
}

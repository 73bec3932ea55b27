import type { PurchaserContribution } from '@shared/domain/metrics';
import { batchGet } from '../batch-get';
import { memberPartition } from '../keys';
import { plainPut, type Item, type TransactItem } from '../item';

/** What the metrics job last counted for a member (purchaser, repeat purchaser, lifespan). */
export const memberMetricsKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: 'METRICS' });

export const memberMetricsToItem = (memberId: string, contribution: PurchaserContribution): Item => ({
  ...memberMetricsKey(memberId),
  entity: 'member-metrics',
  memberId,
  ...contribution,
});

export const itemToMemberMetrics = (item: Item): { memberId: string; contribution: PurchaserContribution } => ({
  memberId: String(item.memberId),
  contribution: {
    purchaser: item.purchaser,
    repeat: item.repeat,
    lifespanSeconds: Number(item.lifespanSeconds),
  } as PurchaserContribution,
});

export const memberMetricsPut = (memberId: string, contribution: PurchaserContribution): TransactItem =>
  plainPut(memberMetricsToItem(memberId, contribution));

/** What the metrics job last counted for each of these members (none yet: absent from the map). */
export async function readCountedContributions(memberIds: string[]): Promise<Map<string, PurchaserContribution>> {
  if (memberIds.length === 0) return new Map();
  const counted = await batchGet(memberIds.map((memberId) => memberMetricsKey(memberId)));
  return new Map(counted.map(itemToMemberMetrics).map(({ memberId, contribution }) => [memberId, contribution]));
}

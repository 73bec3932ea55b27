import type { PurchaserContribution } from '@shared/domain/metrics';
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

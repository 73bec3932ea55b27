import { emptyTotals, type RunningTotals } from '@shared/domain/metrics';
import { getItem } from '../get';
import { versionedPut, type Item, type TransactItem } from '../item';

/** The metrics job's running all-time totals and the watermark they are counted up to. */
export const metricsTotalsKey = () => ({ PK: 'METRICS', SK: 'TOTALS' });

export interface StoredTotals {
  /** Everything recorded before this time is in `totals`. */
  watermark: string;
  version: number;
  totals: RunningTotals;
}

export const metricsTotalsToItem = (stored: StoredTotals): Item => ({
  ...metricsTotalsKey(),
  entity: 'metrics-totals',
  watermark: stored.watermark,
  version: stored.version,
  totals: stored.totals,
});

export const itemToMetricsTotals = (item: Item): StoredTotals => ({
  watermark: String(item.watermark),
  version: Number(item.version),
  totals: { ...emptyTotals, ...(item.totals as Partial<RunningTotals>) },
});

/** The stored totals, or none yet (the first run starts from `epoch`). */
export async function readMetricsTotals(epoch: string): Promise<StoredTotals> {
  const item = await getItem(metricsTotalsKey());
  return item ? itemToMetricsTotals(item) : { watermark: epoch, version: 0, totals: emptyTotals };
}

/** Conditioned on the version read: two runs at once cannot both advance from the same state. */
export const metricsTotalsPut = (next: StoredTotals, expectedVersion: number): TransactItem =>
  versionedPut(metricsTotalsToItem(next), expectedVersion === 0 ? undefined : expectedVersion);

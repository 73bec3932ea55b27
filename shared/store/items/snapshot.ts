import type { Snapshot } from '@shared/schemas/admin';
import type * as z from 'zod';
import { createPut, type Item, type TransactItem } from '../item';

export type StoredSnapshot = z.infer<typeof Snapshot>;

/** Metrics snapshots: one partition, sorted by when they were computed. */
export const SNAPSHOTS_PARTITION = 'METRICS';
export const SNAPSHOT_PREFIX = 'SNAPSHOT#';
export const snapshotKey = (computedAt: string, snapshotId: string) => ({
  PK: SNAPSHOTS_PARTITION,
  SK: `${SNAPSHOT_PREFIX}${computedAt}#${snapshotId}`,
});

export const snapshotToItem = (snapshot: StoredSnapshot): Item => ({
  ...snapshotKey(snapshot.computedAt, snapshot.snapshotId),
  entity: 'snapshot',
  snapshot,
});
export const itemToSnapshot = (item: Item): StoredSnapshot => item.snapshot as StoredSnapshot;
export const snapshotPut = (snapshot: StoredSnapshot): TransactItem => createPut(snapshotToItem(snapshot));

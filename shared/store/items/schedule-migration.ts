import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { store } from '../client';
import { getItem } from '../get';
import { EXPIRY_SHARDS, indexKeys, memberPartition } from '../keys';
import { deleteItem, withoutStorageAttributes, type TransactItem } from '../item';
import { queryPage, type StartKey } from '../query';
import { indexNames } from '../table';

/**
 * Passes over the members' time keys (shared/app/jobs/schedule-key-migration.ts): the partitions a
 * pass pages through, the earlier layout's lot schedule item it deletes, and its progress item.
 *
 * - `LOTDUE`: the earlier layout's lot schedule item (one per member with lots), on GSI2 under
 *   `LOTDUE#<shard>`, by the lots' due time.
 * - `EXPIRY`: the earlier layout's expiry key of the member item (members with a positive
 *   balance), on GSI2 under `EXPIRY#<shard>`, by the month inactivity counts from.
 * - `SCHEDULE`: the schedule key itself (GSI4 `TIMECHANGE#<shard>`), every member keyed.
 */
const SOURCES = {
  LOTDUE: { indexName: indexNames.dueByDay, key: 'GSI2PK', partition: (shard: number) => `LOTDUE#${shard}` },
  EXPIRY: { indexName: indexNames.dueByDay, key: 'GSI2PK', partition: (shard: number) => `EXPIRY#${shard}` },
  SCHEDULE: { indexName: indexNames.timeChangesDue, key: 'GSI4PK', partition: indexKeys.timeChangePartition },
} as const;
export type KeySource = keyof typeof SOURCES;

/** The earlier layout's lot schedule item of a member (deleted by the migration). */
const earlierLotDueKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: 'LOTDUE' });
export const earlierLotDueDelete = (memberId: string): TransactItem => deleteItem(earlierLotDueKey(memberId));

/** Where a pass is: its sources, the one it reads, the shard, and the index key to go on after (none: the shard's start). */
export interface PassPosition {
  sources: KeySource[];
  source: number;
  shard: number;
  after?: StartKey;
  /** The pass pages nothing before this instant (system clock): every instance holds the program by then. */
  notBefore: string;
  /** The program's inactivity months when the pass started (null: no inactivity expiry). */
  expiryMonths: number | null;
}

export interface ScheduleMigrationState {
  /** The pass under way (absent: none). */
  position?: PassPosition;
  /** The earlier keys a completed pass has moved every member off. */
  migrated?: KeySource[];
  /** When the last pass reached the end of its sources. */
  completedAt?: string;
  /** The inactivity months every member's schedule key honours (null: no inactivity expiry). */
  expiryMonths?: number | null;
  /** Members the passes moved, in all. */
  moved: number;
}

const STATE_KEY = { PK: 'MIGRATIONS', SK: 'SCHEDULE_KEY' };

export async function findScheduleMigration(): Promise<ScheduleMigrationState> {
  const item = await getItem(STATE_KEY);
  return item ? (withoutStorageAttributes(item) as unknown as ScheduleMigrationState) : { moved: 0 };
}

export async function saveScheduleMigration(state: ScheduleMigrationState): Promise<void> {
  const { client, tableName } = store();
  await client.send(new PutCommand({ TableName: tableName, Item: { ...STATE_KEY, entity: 'migration', ...state } }));
}

/** Shards of every source. */
export const SOURCE_SHARDS = EXPIRY_SHARDS;

/** One page of the members on a source's shard, from `position`, and where the next page starts (none: the shard is done). */
export async function keyPage(
  position: PassPosition,
  limit: number,
): Promise<{ source: KeySource; memberIds: string[]; after?: StartKey }> {
  const source = position.sources[position.source];
  if (source === undefined || position.shard >= SOURCE_SHARDS) throw new Error('no such key partition');
  const { indexName, key, partition } = SOURCES[source];
  const page = await queryPage(
    {
      IndexName: indexName,
      KeyConditionExpression: `${key} = :pk`,
      ExpressionAttributeValues: { ':pk': partition(position.shard) },
      Limit: limit,
    },
    position.after,
  );
  const memberIds = page.items.map((item) => String(item.memberId));
  return page.next ? { source, memberIds, after: page.next } : { source, memberIds };
}

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { store } from '../client';
import { getItem } from '../get';
import { EXPIRY_SHARDS, memberPartition } from '../keys';
import { deleteItem, withoutStorageAttributes, type TransactItem } from '../item';
import { queryPage, type StartKey } from '../query';
import { indexNames } from '../table';

/**
 * The move of the members' earlier time keys onto the one schedule key (GSI4): what the earlier
 * layout left on GSI2, and the migration's own progress item. Once a pass found nothing on them in
 * every region, GSI2 has no reader left and its definition can go (infra/README.md).
 *
 * Earlier keys: the points lots' schedule item (`LOTDUE`, one per member with lots, on GSI2
 * under `LOTDUE#<shard>`).
 */
export const EARLIER_KEY_SOURCES = ['LOTDUE'] as const;
export type EarlierKeySource = (typeof EARLIER_KEY_SOURCES)[number];

/** The earlier layout's lot schedule item of a member (deleted by the migration). */
const earlierLotDueKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: 'LOTDUE' });
export const earlierLotDueDelete = (memberId: string): TransactItem => deleteItem(earlierLotDueKey(memberId));

/** Where a pass is: the source, its shard, and the index key to go on after (none: the shard's start). */
export interface MigrationPosition {
  source: number;
  shard: number;
  after?: StartKey;
}

export interface ScheduleMigrationState {
  /** The unfinished pass's position (absent: no pass under way). */
  position?: MigrationPosition;
  /** When the last pass reached the end of every source. */
  completedAt?: string;
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

/** One page of the members on an earlier key, from `position`, and where the next page starts (none: the shard is done). */
export async function earlierKeyPage(
  position: MigrationPosition,
  limit: number,
): Promise<{ memberIds: string[]; after?: StartKey }> {
  const source = EARLIER_KEY_SOURCES[position.source];
  if (source === undefined || position.shard >= EXPIRY_SHARDS) throw new Error('no such earlier key partition');
  const page = await queryPage(
    {
      IndexName: indexNames.dueByDay,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': `${source}#${position.shard}` },
      Limit: limit,
    },
    position.after,
  );
  const memberIds = page.items.map((item) => String(item.memberId));
  return page.next ? { memberIds, after: page.next } : { memberIds };
}

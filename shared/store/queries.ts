import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '@shared/domain/ledger';
import { store } from './client';
import type { Item } from './item';
import { itemToLedgerEntry, LEDGER_PREFIX } from './items/ledger-entry';
import { itemToReward, REWARD_PREFIX, CATALOG_PARTITION } from './items/reward';
import { itemToSnapshot, SNAPSHOT_PREFIX, SNAPSHOTS_PARTITION, type StoredSnapshot } from './items/snapshot';
import { EXPIRY_SHARDS, indexKeys, memberPartition } from './keys';
import { cursorPage, filteredPage, queryAll, readPartition, type Page } from './query';
import { indexNames } from './table';
import type { RewardState } from '@shared/domain/rewards';

/** The read paths that span several items: one Query each, never a Scan. */

export type { Page };

/** Ledger entries a Query evaluates while looking for one transaction (DynamoDB stops at 1 MB anyway). */
const LEDGER_SEARCH_BATCH = 1000;

/** A member's ledger, newest first. */
export function listLedger(memberId: string, limit: number, cursor: string | undefined): Promise<Page<LedgerEntry>> {
  const partition = memberPartition(memberId);
  return cursorPage(
    { list: 'ledger', boundTo: memberId },
    {
      partition,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': LEDGER_PREFIX },
      ScanIndexForward: false,
    },
    { limit, cursor },
    itemToLedgerEntry,
  );
}

/**
 * One ledger entry by its transaction id. The ledger is keyed by position, not by id, so this
 * reads the member's ledger (newest first, page by page) until the entry turns up: a support
 * desk's occasional read, and cheaper than a second item per entry on every write.
 */
export async function findLedgerEntry(memberId: string, transactionId: string): Promise<LedgerEntry | undefined> {
  const partition = memberPartition(memberId);
  const found = await readPartition(
    {
      partition,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: 'transactionId = :id',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': LEDGER_PREFIX, ':id': transactionId },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
    // The filter drops all but one entry: each Query reads a large batch, not the one item left to find.
    { limit: 1, perQuery: LEDGER_SEARCH_BATCH },
    itemToLedgerEntry,
  );
  return found.items[0];
}

/** The items of the member's partition, page by page, optionally those whose sort key starts with `prefix`. */
export async function memberItems(
  memberId: string,
  options: { prefix?: string; withComment?: boolean } = {},
): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: options.prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
    ExpressionAttributeValues: {
      ':pk': memberPartition(memberId),
      ...(options.prefix ? { ':prefix': options.prefix } : {}),
    },
    ...(options.withComment
      ? { FilterExpression: 'attribute_exists(#comment)', ExpressionAttributeNames: { '#comment': 'comment' } }
      : {}),
    ConsistentRead: true,
  });
}

/**
 * Rewards of the catalog in rewardId order that pass `keep`, filled up to `limit`. The
 * catalog is one partition: pages are Queries on it, filtered here.
 */
export function listCatalog(
  limit: number,
  cursor: string | undefined,
  keep: (reward: RewardState) => boolean,
): Promise<Page<RewardState>> {
  return filteredPage('rewards', CATALOG_PARTITION, REWARD_PREFIX, { limit, cursor }, (item) => {
    const reward = itemToReward(item);
    return keep(reward) ? reward : undefined;
  });
}

const snapshotBound = (time: string | undefined) => SNAPSHOT_PREFIX + (time ? new Date(time).toISOString() : '');

/** Snapshots newest first, optionally those computed in [from, to]. */
export function listSnapshots(query: {
  limit: number;
  cursor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): Promise<Page<StoredSnapshot>> {
  // Bound to the range: a cursor of another range could point outside this one's key condition.
  return cursorPage(
    { list: 'snapshots', boundTo: `${query.from ?? ''}/${query.to ?? ''}` },
    {
      partition: SNAPSHOTS_PARTITION,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      // '~' sorts after every character of a time and after '#': `to` itself is included.
      ExpressionAttributeValues: {
        ':pk': SNAPSHOTS_PARTITION,
        ':from': snapshotBound(query.from),
        ':to': `${snapshotBound(query.to)}~`,
      },
      ScanIndexForward: false,
    },
    { limit: query.limit, cursor: query.cursor },
    itemToSnapshot,
  );
}

export async function findLatestSnapshot(): Promise<StoredSnapshot | undefined> {
  const { client, tableName } = store();
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': SNAPSHOTS_PARTITION, ':prefix': SNAPSHOT_PREFIX },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const latest = Items[0];
  return latest ? itemToSnapshot(latest) : undefined;
}

/** Member ids, in one shard of the time-changes index (GSI4), with a change due at or before `now`. */
async function timeChangeCandidatesInShard(shard: number, now: Date): Promise<string[]> {
  const items = await queryAll({
    IndexName: indexNames.timeChangesDue,
    KeyConditionExpression: 'GSI4PK = :shard AND GSI4SK <= :due',
    ExpressionAttributeValues: { ':shard': indexKeys.timeChangePartition(shard), ':due': `${now.toISOString()}#~` },
    ProjectionExpression: 'memberId',
  });
  return items.map((item) => String(item.memberId));
}

/** Every member the time-changes index offers as due at `now`: one Query per shard, never a Scan. */
export async function timeChangeCandidates(now: Date): Promise<string[]> {
  const shards = Array.from({ length: EXPIRY_SHARDS }, (_, shard) => shard);
  return (await Promise.all(shards.map((shard) => timeChangeCandidatesInShard(shard, now)))).flat();
}

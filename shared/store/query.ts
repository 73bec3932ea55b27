import { QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';

type Item = Record<string, unknown>;

/** A page of a list: its items, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** Where DynamoDB stopped a read (its LastEvaluatedKey): the next request starts after it. */
export type StartKey = Record<string, unknown>;

/** One request's items, and where the next request starts when DynamoDB stopped before the end. */
export interface RawPage {
  items: Item[];
  next?: StartKey;
}

const rawPage = (items: Item[] | undefined, next: StartKey | undefined): RawPage =>
  next ? { items: items ?? [], next } : { items: items ?? [] };

/**
 * One request of a Query from `start`. This module is the only one that speaks DynamoDB's paging
 * (ExclusiveStartKey, LastEvaluatedKey): every list and loop of the store reads through it.
 */
export async function queryPage(input: QueryInput, start?: StartKey): Promise<RawPage> {
  const { client, tableName } = store();
  const page = await client.send(
    new QueryCommand({ ...input, TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
  );
  return rawPage(page.Items, page.LastEvaluatedKey);
}

/** One request of one segment of a parallel Scan from `start`: a job checkpoints `next` to resume. */
export async function scanPage(
  input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  start?: StartKey,
): Promise<RawPage> {
  const { client, tableName } = store();
  const page = await client.send(
    new ScanCommand({ ...input, TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
  );
  return rawPage(page.Items, page.LastEvaluatedKey);
}

/** Hands each page of a Query to `onPage` as it arrives, so a long read is never held whole. */
export async function queryEach(input: QueryInput, onPage: (items: Item[]) => void): Promise<void> {
  let start: StartKey | undefined;
  do {
    const page = await queryPage(input, start);
    onPage(page.items);
    start = page.next;
  } while (start);
}

/** Every item a Query matches, following DynamoDB's pages (1 MB each) to the end. */
export async function queryAll(input: QueryInput): Promise<Item[]> {
  const items: Item[] = [];
  await queryEach(input, (page) => items.push(...page));
  return items;
}

/** What a page reads: a Query of one partition (its start key is built from `partition`). */
export type PartitionQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'> & {
  partition: string;
};

/** Part of a page read from one partition: the sort key of the last item kept, and whether more may follow it. */
export interface PartitionRead<T> {
  items: T[];
  lastKey?: string;
  more: boolean;
}

/**
 * The one cursor loop: reads a partition in the Query's order after the sort key `after`, keeps
 * what `read` answers (undefined drops an item; a FilterExpression drops in DynamoDB) and stops
 * once `limit` items are kept or the partition ends. Each Query evaluates `perQuery` items (by
 * default what the page still lacks: a filter that drops much wants a larger batch).
 */
export async function readPartition<T>(
  query: PartitionQuery,
  page: { limit: number; after?: string | undefined; perQuery?: number },
  read: (item: Item) => T | undefined | Promise<T | undefined>,
): Promise<PartitionRead<T>> {
  const { partition, ...input } = query;
  const items: T[] = [];
  let lastKey: string | undefined;
  let start = page.after;
  for (;;) {
    const found = await queryPage(
      { ...input, Limit: page.perQuery ?? page.limit - items.length },
      start ? { PK: partition, SK: start } : undefined,
    );
    const values = await Promise.all(found.items.map(async (item) => read(item)));
    for (const [index, value] of values.entries()) {
      if (value === undefined) continue;
      items.push(value);
      lastKey = String(found.items[index]?.SK);
      if (items.length === page.limit) {
        return { items, lastKey, more: index < found.items.length - 1 || found.next !== undefined };
      }
    }
    if (!found.next) return { items, ...(lastKey ? { lastKey } : {}), more: false };
    start = String(found.next.SK);
  }
}

/** Where a page that spans partitions stands: the partition's index and the sort key read up to there. */
export interface PartitionPosition {
  index: number;
  after?: string | undefined;
}

/**
 * A page that runs through several partitions in turn (an audit log's months, a segment's
 * shards), from `start`: the position of its last item is given when more may follow, in this
 * partition or a later one.
 */
export async function readPartitions<T>(
  queries: PartitionQuery[],
  page: { limit: number; start?: PartitionPosition },
  read: (item: Item) => T | undefined | Promise<T | undefined>,
): Promise<{ items: T[]; next?: Required<PartitionPosition> }> {
  const items: T[] = [];
  const first = page.start?.index ?? 0;
  for (let index = first; index < queries.length; index += 1) {
    const query = queries[index];
    if (!query) break;
    const after = index === first ? page.start?.after : undefined;
    const found = await readPartition(query, { limit: page.limit - items.length, after }, read);
    items.push(...found.items);
    if (items.length === page.limit) {
      const more = found.more || index < queries.length - 1;
      return more && found.lastKey ? { items, next: { index, after: found.lastKey } } : { items };
    }
  }
  return { items };
}

/**
 * A page of one partition for an API client: the cursor (of `scope`) is the sort key of the last
 * item answered, given only when more may follow.
 */
export async function cursorPage<T>(
  scope: CursorScope | string,
  query: PartitionQuery,
  page: { limit: number; cursor?: string | undefined; perQuery?: number },
  read: (item: Item) => T | undefined | Promise<T | undefined>,
): Promise<Page<T>> {
  const after = page.cursor ? decodeCursor(page.cursor, scope) : undefined;
  const perQuery = page.perQuery ? { perQuery: page.perQuery } : {};
  const { items, lastKey, more } = await readPartition(query, { limit: page.limit, after, ...perQuery }, read);
  return more && lastKey ? { items, nextCursor: encodeCursor(scope, lastKey) } : { items };
}

/**
 * Items of one partition in sort-key order that pass `read`, filled up to `limit`: filtered here,
 * a hundred items a Query.
 */
export function filteredPage<T>(
  list: string,
  partition: string,
  prefix: string,
  page: { limit: number; cursor?: string | undefined; consistent?: boolean },
  read: (item: Item) => T | undefined,
): Promise<Page<T>> {
  return cursorPage(
    list,
    {
      partition,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
      ConsistentRead: page.consistent ?? false,
    },
    { limit: page.limit, cursor: page.cursor, perQuery: 100 },
    read,
  );
}

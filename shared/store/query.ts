import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import { decodeCursor, encodeCursor } from './cursor';

type Item = Record<string, unknown>;

/** A page of a list: its items, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Every item a Query matches, following DynamoDB's pages (1 MB each) to the end. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const { client, tableName } = store();
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Hands each page of a Query to `onPage` as it arrives, so a long read is never held whole. */
export async function queryEach(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  onPage: (items: Item[]) => void,
): Promise<void> {
  const { client, tableName } = store();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    onPage(page.Items ?? []);
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * Items of one partition in sort-key order that pass `keep`, filled up to `limit`; the cursor
 * is the sort key of the last item answered.
 */
export async function filteredPage<T>(
  list: string,
  partition: string,
  prefix: string,
  page: { limit: number; cursor?: string | undefined; consistent?: boolean },
  read: (item: Item) => T | undefined,
): Promise<Page<T>> {
  const { client, tableName } = store();
  const items: T[] = [];
  let start: string | undefined = page.cursor ? decodeCursor(page.cursor, list) : undefined;
  for (;;) {
    const found = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        Limit: 100,
        ConsistentRead: page.consistent ?? false,
        ...(start ? { ExclusiveStartKey: { PK: partition, SK: start } } : {}),
      }),
    );
    const batch = found.Items ?? [];
    for (const [index, item] of batch.entries()) {
      const value = read(item);
      if (value === undefined) continue;
      items.push(value);
      if (items.length === page.limit) {
        const more = index < batch.length - 1 || found.LastEvaluatedKey !== undefined;
        return more ? { items, nextCursor: encodeCursor(list, String(item.SK)) } : { items };
      }
    }
    if (!found.LastEvaluatedKey) return { items };
    start = String(found.LastEvaluatedKey.SK);
  }
}

import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';

type Item = Record<string, unknown>;

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

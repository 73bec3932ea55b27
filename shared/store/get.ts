import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import type { Item, Key } from './item';

/** One item by its key, read strongly consistent (every read before a write must see the last write). */
export async function getItem(key: Key, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: key, ConsistentRead: options.consistent ?? true }),
  );
  return Item;
}

import {
  BatchGetCommand,
  GetCommand,
  type BatchGetCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { currentDeadline, type Deadline } from '@shared/deadline';
import { store } from './client';
import type { Item, Key } from './item';
import { untilDone } from './retry';

interface Waiting {
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  client: DynamoDBDocumentClient;
  tableName: string;
  consistent: boolean;
  /** Reads of different requests (the local server runs many at once) never share a call or a deadline. */
  deadline: Deadline | undefined;
  waiting: Waiting[];
}

let pending: Batch[] = [];

/**
 * One item by its key, read strongly consistent (every read before a write must see the last
 * write). Reads asked for in the same turn of the event loop (a use case reading the member and
 * its order, or the member and a reward, with Promise.all) go out as ONE BatchGetItem: one call
 * and one round trip instead of two, at the same read units. A lone read stays a GetItem.
 */
export function getItem(key: Key, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
  const { client, tableName } = store();
  const consistent = options.consistent ?? true;
  const deadline = currentDeadline();
  return new Promise((resolve, reject) => {
    let batch = pending.find(
      (b) => b.client === client && b.tableName === tableName && b.consistent === consistent && b.deadline === deadline,
    );
    if (!batch) {
      const created: Batch = { client, tableName, consistent, deadline, waiting: [] };
      pending.push(created);
      // Scheduled here, so the call runs in this request's context (its deadline bounds the call).
      setImmediate(() => {
        pending = pending.filter((b) => b !== created);
        void send(created);
      });
      batch = created;
    }
    batch.waiting.push({ key, resolve, reject });
  });
}

const keyId = (key: Key) => `${key.PK}\u0000${key.SK}`;

async function send({ client, tableName, consistent, waiting }: Batch): Promise<void> {
  try {
    const keys = [...new Map(waiting.map((w) => [keyId(w.key), w.key])).values()];
    const found = new Map<string, Item>();
    const [only] = keys;
    if (only && keys.length === 1) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: only, ConsistentRead: consistent }),
      );
      if (Item) found.set(keyId(only), Item);
    } else {
      // At most 100 keys a request; keys DynamoDB leaves unprocessed are asked for again.
      for (let start = 0; start < keys.length; start += 100) {
        const request: BatchGetCommandInput['RequestItems'] = {
          [tableName]: { Keys: keys.slice(start, start + 100), ConsistentRead: consistent },
        };
        await untilDone(request, async (request) => {
          const page = await client.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of page.Responses?.[tableName] ?? []) found.set(keyId(item as Key), item);
          const unprocessed = page.UnprocessedKeys;
          return unprocessed && Object.keys(unprocessed).length > 0 ? unprocessed : undefined;
        });
      }
    }
    for (const w of waiting) w.resolve(found.get(keyId(w.key)));
  } catch (error) {
    for (const w of waiting) w.reject(error);
  }
}

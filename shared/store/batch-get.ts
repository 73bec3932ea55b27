import { BatchGetCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import type { Item, Key } from './item';
import { untilDone } from './retry';

const BATCH_GET_KEYS = 100;
type Request = NonNullable<BatchGetCommandInput['RequestItems']>;

/** Many items by key, 100 per request; keys DynamoDB leaves unprocessed are asked for again (store retry policy). */
export async function batchGet(
  keyList: Key[],
  projection?: { expression: string; names: Record<string, string> },
  options: { consistent?: boolean } = {},
): Promise<Item[]> {
  const { client, tableName } = store();
  const found: Item[] = [];
  for (let start = 0; start < keyList.length; start += BATCH_GET_KEYS) {
    const request: Request = {
      [tableName]: {
        Keys: keyList.slice(start, start + BATCH_GET_KEYS),
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ...(projection
          ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
          : {}),
      },
    };
    await untilDone(request, async (pending) => {
      const page = await client.send(new BatchGetCommand({ RequestItems: pending }));
      found.push(...(page.Responses?.[tableName] ?? []));
      const unprocessed = page.UnprocessedKeys;
      return unprocessed && Object.keys(unprocessed).length > 0 ? unprocessed : undefined;
    });
  }
  return found;
}

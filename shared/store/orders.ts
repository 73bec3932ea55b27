import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderState } from '@shared/domain/order';
import { store } from './client';
import type { ConditionalWrite } from './commit';
import { StaleMemberError } from './errors';
import { keys } from './keys';

export async function findOrder(memberId: string, orderId: string): Promise<OrderState | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.order(memberId, orderId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { PK: _pk, SK: _sk, entity: _entity, GSI1PK: _g1, GSI1SK: _g1s, ...order } = Item;
  return order as OrderState;
}

/** Writes the order's next state, conditioned on the version read (or on not existing yet). */
export function orderWrite(order: OrderState, expectedVersion: number): ConditionalWrite {
  const { tableName } = store();
  // GSI1 by occurredAt: window metrics count the purchase when it happened (a late till report included), net of refunds.
  const item = {
    ...keys.order(order.memberId, order.orderId),
    entity: 'order',
    ...order,
    version: expectedVersion + 1,
    ...keys.activity('occurred', order.occurredAt, `${order.memberId}:${order.orderId}`),
  };
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    },
    // Another request changed this order since we read it: read again; the retry decides (e.g. duplicate order).
    onConditionFailed: () => new StaleMemberError(),
  };
}

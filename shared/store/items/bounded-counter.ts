import { store } from '../client';
import type { TransactItem } from '../item';

/**
 * Adds `amount` to a counter attribute on the condition that it stays at most `most`: the one
 * way a budget (a rule's shard, a partner's adjustments of a day) is drawn on, so two concurrent
 * writes can never together pass it. `set` adds attributes written with every draw (a TTL).
 */
export function boundedCounterAdd(draw: {
  key: { PK: string; SK: string };
  counter: string;
  amount: number;
  most: number;
  entity: string;
  set?: Record<string, number>;
  returnOldOnRefusal?: boolean;
}): TransactItem {
  const extra = Object.entries(draw.set ?? {});
  return {
    Update: {
      TableName: store().tableName,
      Key: draw.key,
      UpdateExpression: [
        'SET #counter = if_not_exists(#counter, :zero) + :amount, entity = :entity',
        ...extra.map((_, index) => `#set${index} = :set${index}`),
      ].join(', '),
      ConditionExpression: 'attribute_not_exists(#counter) OR #counter <= :most',
      ExpressionAttributeNames: {
        '#counter': draw.counter,
        ...Object.fromEntries(extra.map(([name], index) => [`#set${index}`, name])),
      },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':amount': draw.amount,
        ':entity': draw.entity,
        ':most': draw.most - draw.amount,
        ...Object.fromEntries(extra.map(([, value], index) => [`:set${index}`, value])),
      },
      ...(draw.returnOldOnRefusal ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
    },
  };
}

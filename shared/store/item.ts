import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { store } from './client';

/** An item as DynamoDB holds it; only the modules of shared/store/items know which attributes one has. */
export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Key = { PK: string; SK: string };

/** Key and index attributes: storage's business, never part of the domain value an item holds. */
const STORAGE_ATTRIBUTES = ['PK', 'SK', 'entity', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI4PK', 'GSI4SK'];

export function withoutStorageAttributes(item: Item): Item {
  const value = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete value[attribute];
  return value;
}

/** A put that only creates: it fails if an item with the key exists. */
export function createPut(item: Item): TransactItem {
  return { Put: { TableName: store().tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } };
}

/**
 * Optimistic concurrency for any item: the put succeeds only if the stored item still has the
 * version that was read (or, with no version read, does not exist yet). Its failure means the
 * item changed since it was read.
 */
export function versionedPut(
  item: Item,
  expectedVersion: number | undefined,
  versionAttribute = 'version',
): TransactItem {
  if (expectedVersion === undefined) return createPut(item);
  return {
    Put: {
      TableName: store().tableName,
      Item: item,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': versionAttribute },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  };
}

export function plainPut(item: Item): TransactItem {
  return { Put: { TableName: store().tableName, Item: item } };
}

export function deleteItem(
  key: Key,
  options: { mustExist?: boolean; condition?: { expression: string; values: Record<string, unknown> } } = {},
): TransactItem {
  return {
    Delete: {
      TableName: store().tableName,
      Key: key,
      ...(options.mustExist ? { ConditionExpression: 'attribute_exists(PK)' } : {}),
      ...(options.condition
        ? { ConditionExpression: options.condition.expression, ExpressionAttributeValues: options.condition.values }
        : {}),
    },
  };
}

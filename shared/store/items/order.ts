import type { OrderState } from '@shared/domain/order';
import { getItem } from '../get';
import { indexKeys, memberPartition } from '../keys';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** One order of a member: what it earned (points, cashback) and what was refunded of it. */
export const orderKey = (memberId: string, orderId: string) => ({
  PK: memberPartition(memberId),
  SK: `ORDER#${orderId}`,
});

export function orderToItem(order: OrderState): Item {
  // GSI1 by occurredAt: window metrics count the purchase when it happened (a late till report included), net of refunds.
  return {
    ...orderKey(order.memberId, order.orderId),
    entity: 'order',
    ...order,
    ...indexKeys.activity('occurred', order.occurredAt, `${order.memberId}:${order.orderId}`),
  };
}

export function itemToOrder(item: Item): OrderState {
  return withoutStorageAttributes(item) as unknown as OrderState;
}

export async function findOrder(memberId: string, orderId: string): Promise<OrderState | undefined> {
  const item = await getItem(orderKey(memberId, orderId));
  return item ? itemToOrder(item) : undefined;
}

/** The order's next state, conditioned on the version read (0: not stored yet). */
export function orderPut(order: OrderState, expectedVersion: number): TransactItem {
  return versionedPut(
    orderToItem({ ...order, version: expectedVersion + 1 }),
    expectedVersion === 0 ? undefined : expectedVersion,
  );
}

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
  return {
    ...orderKey(order.memberId, order.orderId),
    entity: 'order',
    ...order,
    // GSI1 (recorded activity) for an imported order only: the metrics job finds a live order
    // through the earn or cashback entry that created it, so a live order costs no index write.
    ...(order.imported ? indexKeys.activity(order.recordedAt, `${order.memberId}:${order.orderId}`) : {}),
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

import type { OrderBasket, OrderLine } from '@shared/domain/basket-order';
import type { OrderState } from '@shared/domain/order';
import { batchGet } from '../batch-get';
import { getItem } from '../get';
import { indexKeys, memberPartition } from '../keys';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** One order of a member: what it earned (points, cashback) and what was refunded of it. */
export const orderKey = (memberId: string, orderId: string) => ({
  PK: memberPartition(memberId),
  SK: `ORDER#${orderId}`,
});

/*
 * An order earned with a basket keeps it for refunds (shared/domain/basket-order.ts): its lines
 * are stored as tuples `[lineId, sku, categories, quantity, amount, refundedQuantity,
 * refundedAmount]` (about half the bytes of the objects), so a 20-line order stays near 1 KB.
 */
type StoredLine = [string, string, string[] | null, number, number, number, number];

const encodeLine = (line: OrderLine): StoredLine => [
  line.lineId,
  line.sku,
  line.categories ?? null,
  line.quantity,
  line.amount,
  line.refundedQuantity,
  line.refundedAmount,
];

const decodeLine = ([lineId, sku, categories, quantity, amount, refundedQuantity, refundedAmount]: StoredLine) => ({
  lineId,
  sku,
  ...(categories ? { categories } : {}),
  quantity: Number(quantity),
  amount: Number(amount),
  refundedQuantity: Number(refundedQuantity),
  refundedAmount: Number(refundedAmount),
});

function encodeBasket(basket: OrderBasket) {
  const { lines, ...rest } = basket;
  return lines ? { ...rest, lines: lines.map(encodeLine) } : rest;
}

function decodeBasket(stored: Omit<OrderBasket, 'lines'> & { lines?: StoredLine[] }): OrderBasket {
  const { lines, ...rest } = stored;
  return lines ? { ...rest, lines: lines.map(decodeLine) } : rest;
}

export function orderToItem(order: OrderState): Item {
  return {
    ...orderKey(order.memberId, order.orderId),
    entity: 'order',
    ...order,
    ...(order.basket ? { basket: encodeBasket(order.basket) } : {}),
    // GSI1 (recorded activity) for an imported order only: the metrics job finds a live order
    // through the earn or cashback entry that created it, so a live order costs no index write.
    ...(order.imported ? indexKeys.activity(order.recordedAt, `${order.memberId}:${order.orderId}`) : {}),
  };
}

export function itemToOrder(item: Item): OrderState {
  const order = withoutStorageAttributes(item) as unknown as OrderState;
  const basket = order.basket as (Omit<OrderBasket, 'lines'> & { lines?: StoredLine[] }) | undefined;
  return basket ? { ...order, basket: decodeBasket(basket) } : order;
}

/** What the metrics job reads of an order: when it happened, its amount, and when it was recorded. */
export type OrderFacts = Pick<OrderState, 'memberId' | 'orderId' | 'occurredAt' | 'amount' | 'recordedAt'>;

/** The facts of these orders, read in batches of their projection only; an order not stored is absent. */
export async function readOrderFacts(refs: { memberId: string; orderId: string }[]): Promise<OrderFacts[]> {
  const stored = await batchGet(
    refs.map((ref) => orderKey(ref.memberId, ref.orderId)),
    {
      expression: '#member, #order, #occurred, #amount, #recorded',
      names: {
        '#member': 'memberId',
        '#order': 'orderId',
        '#occurred': 'occurredAt',
        '#amount': 'amount',
        '#recorded': 'recordedAt',
      },
    },
  );
  return stored.map((order) => ({
    memberId: String(order.memberId),
    orderId: String(order.orderId),
    occurredAt: String(order.occurredAt),
    amount: Number(order.amount),
    recordedAt: String(order.recordedAt),
  }));
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

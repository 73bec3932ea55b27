import type { NonMemberPurchaseFact } from '@shared/domain/metrics';
import { indexKeys } from '../keys';
import { createPut, type Item, type TransactItem } from '../item';

/** A non-member's purchase: kept only for metrics (non-member average order value). */
export interface AnonymousPurchase extends NonMemberPurchaseFact {
  currency: string;
  recordedAt: string;
  partnerId: string;
}

export const anonymousPurchaseKey = (orderId: string) => ({ PK: `PURCHASE#${orderId}`, SK: 'PURCHASE' });

export function purchaseToItem(purchase: AnonymousPurchase): Item {
  return {
    ...anonymousPurchaseKey(purchase.orderId),
    entity: 'purchase',
    ...purchase,
    // GSI1 (recorded activity): the metrics job digests it once, at the time it happened.
    ...indexKeys.activity(purchase.recordedAt, purchase.orderId),
  };
}

export function itemToPurchase(item: Item): NonMemberPurchaseFact {
  return { orderId: String(item.orderId), occurredAt: String(item.occurredAt), amount: Number(item.amount) };
}

/** An order id is recorded once: the put fails if it was. */
export const purchasePut = (purchase: AnonymousPurchase): TransactItem => createPut(purchaseToItem(purchase));

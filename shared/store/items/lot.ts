import type { LotBook, PointsLot } from '@shared/domain/lots';
import { lotSortKey } from '@shared/domain/lots';
import type { MemberLots } from '@shared/domain/member';
import { memberPartition } from '../keys';
import { deleteItem, plainPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';
import { queryAll } from '../query';

/**
 * A points lot: its own item in the member's partition, keyed in consumption order
 * (`LOT#<expiresAt | ~>#<availableAt>#<lotId>`, shared/domain/lots.ts), so the member item
 * never grows with the number of lots. Lot items are written only in a transaction with the
 * member's versioned put: the member's version guards them, so their puts carry no condition.
 */
export const LOT_PREFIX = 'LOT#';
export const lotKey = (memberId: string, lot: Pick<PointsLot, 'expiresAt' | 'availableAt' | 'lotId'>) => ({
  PK: memberPartition(memberId),
  SK: lotSortKey(lot),
});

export function lotToItem(memberId: string, lot: PointsLot): Item {
  return { ...lotKey(memberId, lot), entity: 'lot', ...lot };
}

export function itemToLot(item: Item): PointsLot {
  return withoutStorageAttributes(item) as unknown as PointsLot;
}

/** A lot's next state: a put, or a delete once nothing is left of it (no balance depends on it then). */
export function lotWrite(memberId: string, lot: PointsLot): TransactItem {
  return lot.remaining > 0 ? plainPut(lotToItem(memberId, lot)) : deleteItem(lotKey(memberId, lot));
}

/**
 * The member's live lots, in consumption order, with the member's lot scalars: one Query
 * (paged past 1 MB) starting after the expiry watermark, strongly consistent (the book must be
 * the one of the member version read; the commit's version condition catches a race).
 */
export async function queryLotBook(memberId: string, state: MemberLots): Promise<LotBook> {
  const from = state.expiredThrough !== undefined ? `${LOT_PREFIX}${state.expiredThrough}~` : LOT_PREFIX;
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':from': from, ':to': `${LOT_PREFIX}~~` },
    ConsistentRead: true,
  });
  return {
    lots: items.map(itemToLot),
    owed: state.owed,
    ...(state.expiredThrough !== undefined ? { expiredThrough: state.expiredThrough } : {}),
    ...(state.clearedThrough !== undefined ? { clearedThrough: state.clearedThrough } : {}),
    ...(state.clearings !== undefined ? { clearings: state.clearings } : {}),
  };
}

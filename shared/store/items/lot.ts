import { createHash } from 'node:crypto';
import type { LotBook, PointsLot } from '@shared/domain/lots';
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

/** The lot item's sort key: the domain's consumption order (compareLots) as text. ISO-8601 instants sort as text; `~` after every digit. */
export function lotSortKey(lot: Pick<PointsLot, 'expiresAt' | 'availableAt' | 'lotId'>): string {
  return `${LOT_PREFIX}${lot.expiresAt ?? '~'}#${lot.availableAt}#${lot.lotId}`;
}
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

/** The lot range's last key: never-expiring lots (`LOT#~#…`) sort last; an earlier layout's `LOTDUE` item after it. */
const LOTS_END = `${LOT_PREFIX}~~`;

/** Where the member's live lots start: after every lot the expiry watermark covers (`expiresAt ≤ expiredThrough`). */
export const liveLotsFrom = (expiredThrough: string | undefined) =>
  expiredThrough !== undefined ? `${LOT_PREFIX}${expiredThrough}~` : LOT_PREFIX;

/** The member's lot items from `from` to the end, in consumption order: one strongly consistent Query, paged past 1 MB. */
async function queryLots(memberId: string, from: string): Promise<PointsLot[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':from': from, ':to': LOTS_END },
    ConsistentRead: true,
  });
  return items.map(itemToLot);
}

/** The book of the member's lot scalars and its live lots (those the watermark does not cover). */
export function lotBookOf(lots: readonly PointsLot[], state: MemberLots): LotBook {
  const from = liveLotsFrom(state.expiredThrough);
  return {
    lots: lots.filter((lot) => lotSortKey(lot) >= from),
    owed: state.owed,
    ...(state.expiredThrough !== undefined ? { expiredThrough: state.expiredThrough } : {}),
    ...(state.clearedThrough !== undefined ? { clearedThrough: state.clearedThrough } : {}),
    ...(state.clearings !== undefined ? { clearings: state.clearings } : {}),
    ...(state.keptForCodes !== undefined ? { keptForCodes: state.keptForCodes } : {}),
  };
}

/**
 * The member's live lots, in consumption order, with the member's lot scalars: one Query
 * (paged past 1 MB) starting after the expiry watermark, strongly consistent, sent once the
 * member was read (the book is then the one of the member version read, or newer: the commit's
 * version condition catches a race).
 */
export async function queryLotBook(memberId: string, state: MemberLots): Promise<LotBook> {
  return lotBookOf(await queryLots(memberId, liveLotsFrom(state.expiredThrough)), state);
}

/**
 * The lot items a Query sent BESIDE the member's read can cover without knowing the watermark:
 * those expiring at or after `since`, and the never-expiring. In a member the daily job keeps,
 * every lot that expired before `since` is behind the watermark (dead), so these are all the live
 * lots plus the few that died since `since`. Whether they are the book of the member version
 * read is for `lotItemsDigest` to say (a concurrent write or a job further behind: they are not).
 */
export function queryLotsSince(memberId: string, since: Date): Promise<PointsLot[]> {
  return queryLots(memberId, `${LOT_PREFIX}${since.toISOString()}`);
}

/** Every attribute a lot item holds besides its keys, in a fixed order (the type check below keeps it complete). */
const LOT_FIELDS = [
  'lotId',
  'orderId',
  'points',
  'remaining',
  'availableAt',
  'expiresAt',
  'reminded',
  'clearings',
  'held',
] as const satisfies readonly (keyof PointsLot)[];
const everyLotField: Exclude<keyof PointsLot, (typeof LOT_FIELDS)[number]> extends never ? true : never = true;
void everyLotField;

/** A lot's stored attributes as one line of text, whichever way the lot was built (read, or made by a use case). */
function lotLine(lot: PointsLot): string {
  return JSON.stringify(LOT_FIELDS.map((field) => lot[field] ?? null));
}

/**
 * The fingerprint of the member's live lot items (count and SHA-256 of their attributes in key
 * order), as the member item records it (`MemberLots.digest`) in every transaction that writes
 * lot items or moves the watermark. Lots read in a separate request, beside the member, are the
 * book of that member version exactly when their digest equals the member's: a book read before
 * or during another write (DynamoDB's Query is read-committed per item, not a snapshot) differs.
 */
export function lotItemsDigest(lots: readonly PointsLot[], expiredThrough: string | undefined): string {
  const from = liveLotsFrom(expiredThrough);
  const live = lots
    .filter((lot) => lot.remaining > 0)
    .map((lot) => ({ key: lotSortKey(lot), lot }))
    .filter(({ key }) => key >= from && key <= LOTS_END)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const text = live.map(({ lot }) => lotLine(lot)).join('\n');
  return `${live.length}.${createHash('sha256').update(text).digest('base64url').slice(0, 16)}`;
}

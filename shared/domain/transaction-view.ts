import type { LedgerEntry } from './ledger';
import { isReleased } from './member';

/**
 * A ledger entry as the API shows it (internal ordering fields stay inside). Read back
 * later (`asOf`), a pending cashback credit whose hold has ended shows as available:
 * the status follows the same release rule the member's wallet settles by.
 */
export function toTransaction(entry: LedgerEntry, asOf?: Date) {
  const { sequence: _sequence, index: _index, pointsAvailableAt, ...rest } = entry;
  // An earn's points: pending until the lot's availableAt (a hold), by time alone like cashback.
  const transaction =
    rest.type === 'earn'
      ? {
          ...rest,
          pointsStatus: pointsStatusOf(pointsAvailableAt, asOf ?? new Date(rest.createdAt)),
        }
      : rest;
  const cashback = transaction.cashback;
  if (
    asOf &&
    cashback?.status === 'pending' &&
    cashback.releaseAt &&
    isReleased({ releaseAt: cashback.releaseAt }, asOf)
  ) {
    return { ...transaction, cashback: { ...cashback, status: 'available' as const } };
  }
  return transaction;
}

function pointsStatusOf(availableAt: string | undefined, asOf: Date): 'pending' | 'available' {
  return availableAt !== undefined && Date.parse(availableAt) > asOf.getTime() ? 'pending' : 'available';
}

import type { LedgerEntry } from './ledger';
import { isReleased } from './member';

/**
 * A ledger entry as the API shows it (internal ordering fields stay inside). Read back
 * later (`asOf`), a pending cashback credit whose hold has ended shows as available:
 * the status follows the same release rule the member's wallet settles by.
 */
export function toTransaction(entry: LedgerEntry, asOf?: Date) {
  const { sequence: _sequence, index: _index, ...transaction } = entry;
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

import type { LedgerEntry } from '@shared/domain/ledger';

/**
 * A ledger entry as the API shows it (internal ordering fields stay inside). Read back
 * later (`asOf`), a pending cashback credit whose hold has ended shows as available:
 * the status is derived from its releaseAt, the same way the member's wallet settles.
 */
export function toTransaction(entry: LedgerEntry, asOf?: Date) {
  const { sequence: _sequence, index: _index, ...transaction } = entry;
  const cashback = transaction.cashback;
  if (
    asOf &&
    cashback?.status === 'pending' &&
    cashback.releaseAt &&
    Date.parse(cashback.releaseAt) <= asOf.getTime()
  ) {
    return { ...transaction, cashback: { ...cashback, status: 'available' as const } };
  }
  return transaction;
}

import type { LedgerEntry } from '@shared/domain/ledger';

/** A ledger entry as the API shows it (internal ordering fields stay inside). */
export function toTransaction(entry: LedgerEntry) {
  const { sequence: _sequence, index: _index, ...transaction } = entry;
  return transaction;
}

import type { LedgerEntry } from '@shared/domain/ledger';
import { indexKeys, memberPartition, pad } from '../keys';
import { createPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** A ledger entry: immutable, in the member's partition, ordered by the member version that wrote it. */
export const LEDGER_PREFIX = 'TX#';
export const ledgerEntryKey = (memberId: string, sequence: number, index: number) => ({
  PK: memberPartition(memberId),
  SK: `${LEDGER_PREFIX}${pad(sequence, 12)}#${pad(index, 3)}`,
});

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  // GSI1 (recorded activity): the metrics job reads only the entries written since its last run.
  return {
    ...ledgerEntryKey(entry.memberId, entry.sequence, entry.index),
    entity: 'ledger',
    ...entry,
    ...indexKeys.activity(entry.createdAt, entry.transactionId),
  };
}

export function itemToLedgerEntry(item: Item): LedgerEntry {
  return withoutStorageAttributes(item) as unknown as LedgerEntry;
}

export const ledgerEntryPut = (entry: LedgerEntry): TransactItem => createPut(ledgerEntryToItem(entry));

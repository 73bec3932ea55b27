import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BreakdownLine, LedgerEntry } from '@shared/domain/ledger';
import { mapWithConcurrency } from '../activity';
import { store } from '../client';
import { queryAll } from '../query';
import { indexKeys, memberPartition, pad } from '../keys';
import { createPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** A ledger entry: immutable but for erasure's redaction of free text, in the member's partition, ordered by the member version that wrote it. */
export const LEDGER_PREFIX = 'TX#';
export const ledgerEntryKey = (memberId: string, sequence: number, index: number) => ({
  PK: memberPartition(memberId),
  SK: `${LEDGER_PREFIX}${pad(sequence, 12)}#${pad(index, 3)}`,
});

/**
 * A breakdown longer than this (JSON bytes) is stored deflated as `breakdownZ`: an earn's basket
 * rules list the lines each counted, so an earn of 20 lines under 20 rules carried a 1.1 KB
 * breakdown and its entry took 2 KB (4 write units, and 2 more for its GSI1 copy); deflated, the
 * entry fits in 1 KB. Nothing reads a breakdown but through `itemToLedgerEntry`.
 */
const DEFLATE_BREAKDOWN_FROM_BYTES = 256;

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  const { breakdown, ...rest } = entry;
  const json = breakdown ? JSON.stringify(breakdown) : undefined;
  const stored =
    json === undefined
      ? {}
      : json.length > DEFLATE_BREAKDOWN_FROM_BYTES
        ? { breakdownZ: deflateRawSync(Buffer.from(json)) }
        : { breakdown };
  // GSI1 (recorded activity): the metrics job reads only the entries written since its last run.
  return {
    ...ledgerEntryKey(entry.memberId, entry.sequence, entry.index),
    entity: 'ledger',
    ...rest,
    ...stored,
    ...indexKeys.activity(entry.createdAt, entry.transactionId),
  };
}

export function itemToLedgerEntry(item: Item): LedgerEntry {
  const { breakdownZ, ...entry } = withoutStorageAttributes(item) as Item & { breakdownZ?: Uint8Array };
  if (!breakdownZ) return entry as unknown as LedgerEntry;
  const breakdown = JSON.parse(inflateRawSync(breakdownZ).toString()) as BreakdownLine[];
  return { ...entry, breakdown } as unknown as LedgerEntry;
}

/** An entry as the metrics job reads it from the recorded activity: all but the breakdown, never inflated there. */
export function itemToEntryWithoutBreakdown(item: Item): Omit<LedgerEntry, 'breakdown'> {
  const { breakdown: _breakdown, breakdownZ: _breakdownZ, ...entry } = withoutStorageAttributes(item);
  return entry as unknown as Omit<LedgerEntry, 'breakdown'>;
}

export const ledgerEntryPut = (entry: LedgerEntry): TransactItem => createPut(ledgerEntryToItem(entry));

/** What an adjustment's reason reads once its member was erased: the caller's free text is gone, the amounts stay. */
export const ERASED_REASON = 'erased';
/** An imported opening balance: the engine's own word, not a caller's text about the person. */
const IMPORT_REASON = 'import';
const REDACTIONS_IN_FLIGHT = 10;

/**
 * Erasure of the ledger's free text: every entry of the member with a caller's `reason` or a
 * `reference` keeps its amounts and loses the text (the only change ever made to an entry).
 * Re-running it is harmless.
 */
export async function eraseLedgerFreeText(memberId: string): Promise<number> {
  const { client, tableName } = store();
  const entries = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    FilterExpression:
      'attribute_exists(#reference) OR (attribute_exists(#reason) AND NOT #reason IN (:import, :erased))',
    ExpressionAttributeNames: { '#reason': 'reason', '#reference': 'reference' },
    ExpressionAttributeValues: {
      ':pk': memberPartition(memberId),
      ':prefix': LEDGER_PREFIX,
      ':import': IMPORT_REASON,
      ':erased': ERASED_REASON,
    },
    ConsistentRead: true,
  });
  await mapWithConcurrency(entries, REDACTIONS_IN_FLIGHT, (item) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: item.reason === undefined ? 'REMOVE #reference' : 'SET #reason = :erased REMOVE #reference',
        ExpressionAttributeNames: {
          '#reference': 'reference',
          ...(item.reason === undefined ? {} : { '#reason': 'reason' }),
        },
        ...(item.reason === undefined ? {} : { ExpressionAttributeValues: { ':erased': ERASED_REASON } }),
      }),
    ),
  );
  return entries.length;
}

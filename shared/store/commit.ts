import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import type { ListChange } from '@shared/domain/segments';
import { store } from './client';
import {
  asStorageError,
  IdempotencyRecordExistsError,
  isThrottling,
  StorageBusyError,
  TransactionConflictError,
  VersionConflictError,
} from './errors';
import { idempotencyRecordPut, keptAnswer, type IdempotencyContext, type StoredResponse } from './idempotency';
import type { Item, TransactItem } from './item';
import { ledgerEntryPut } from './items/ledger-entry';
import { memberPut } from './items/member';

export type { TransactItem };

export interface MemberWrite {
  /** The version read, or null for a member that does not exist yet. */
  expectedVersion: number | null;
  member: MemberState;
  /** The member's schedule key (`timeChangesCheckAt`) is set already: stored as it is, not moved earlier only. */
  scheduleSet?: boolean;
  entries: LedgerEntry[];
  /** An admin's changes of the member's list segments: applied with the rules segments by the membership hook. */
  listChanges?: ListChange[];
}

/** Any other item of the use case's transaction, with the error its failed condition means. */
export interface ConditionalWrite {
  item: TransactItem;
  /**
   * Default: the item changed since it was read (VersionConflictError: read again, decide again).
   * `existing` is the stored item when the write asked for it (ReturnValuesOnConditionCheckFailure).
   */
  onConditionFailed?: (existing: Item | undefined) => Error;
}

/** The key of the item a transaction item acts on, as text. */
function keyOfWrite({ item }: ConditionalWrite): string | undefined {
  const key = (item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key) as
    { PK?: unknown; SK?: unknown } | undefined;
  return key ? `${String(key.PK)}\u0000${String(key.SK)}` : undefined;
}

/** Whether any of `writes` acts on an item `others` act on already (one transaction may not act on an item twice). */
export function touchesAny(writes: readonly ConditionalWrite[], others: readonly ConditionalWrite[]): boolean {
  const taken = new Set(others.map(keyOfWrite));
  return writes.some((write) => {
    const key = keyOfWrite(write);
    return key !== undefined && taken.has(key);
  });
}

export interface Commit {
  members: MemberWrite[];
  writes: ConditionalWrite[];
}

/** The idempotency record committed with the effect: the key, and the answer a replay gets. */
export interface IdempotencyRecord {
  context: IdempotencyContext;
  response: StoredResponse;
}

const MAX_TRANSACTION_ITEMS = 100;

/**
 * Commits a use case as ONE TransactWriteItems: member(s) with their version condition,
 * their ledger entries, the other conditional items, and the idempotency record.
 * Either all of it is written or none; a cancellation is translated to what it means.
 */
export async function commit(unit: Commit, idempotency: IdempotencyRecord | undefined, now: Date): Promise<void> {
  const { client } = store();
  const conflict = () => new VersionConflictError();
  const items: { item: TransactItem; onFailed: (existing: Item | undefined) => Error }[] = [];
  for (const write of unit.members) {
    items.push({
      item: memberPut(write.member, write.expectedVersion, { keyAsIs: write.scheduleSet === true }),
      onFailed: conflict,
    });
    for (const entry of write.entries) items.push({ item: ledgerEntryPut(entry), onFailed: conflict });
  }
  for (const write of unit.writes) items.push({ item: write.item, onFailed: write.onConditionFailed ?? conflict });
  if (idempotency) {
    const kept = keptAnswer(idempotency.context, idempotency.response, now);
    for (const item of kept.partPuts) items.push({ item, onFailed: conflict });
    // Last: a cancellation is read from the record's reason first (translateCancellation).
    items.push({
      item: idempotencyRecordPut(idempotency.context, kept.recorded, now),
      onFailed: (stored) => new IdempotencyRecordExistsError(stored),
    });
  }
  // A decision that changes nothing (an unchanged PATCH, a PUT of the same rules or raffle, a draw
  // answered from the first one, a manual delivery retry) without an idempotency record to keep:
  // there is nothing to write, and DynamoDB refuses an empty transaction.
  if (items.length === 0) return;
  if (items.length > MAX_TRANSACTION_ITEMS) throw new RangeError('a transaction holds at most 100 items');
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item) }));
  } catch (error) {
    throw translateCancellation(
      error,
      items.map((i) => i.onFailed),
    );
  }
}

function translateCancellation(error: unknown, onFailed: ((existing: Item | undefined) => Error)[]): unknown {
  const name = (error as { name?: string }).name;
  if (name === 'TransactionConflictException') return new TransactionConflictError({ cause: error });
  if (name !== 'TransactionCanceledException') return asStorageError(error);
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Item }[] }).CancellationReasons ?? [];
  // The document client does not translate an error's items: the stored item comes back as attribute values.
  const existing = (index: number) => {
    const item = reasons[index]?.Item;
    return item ? (unmarshall(item as Parameters<typeof unmarshall>[0]) as Item) : undefined;
  };
  // The idempotency record decides first: if the key was used, nothing else matters.
  const last = reasons.length - 1;
  if (reasons[last]?.Code === 'ConditionalCheckFailed') {
    const failure = onFailed[last]?.(existing(last));
    if (failure instanceof IdempotencyRecordExistsError) return failure;
  }
  for (const [index, reason] of reasons.entries()) {
    if (reason.Code === 'ConditionalCheckFailed') return onFailed[index]?.(existing(index)) ?? error;
  }
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return new TransactionConflictError({ cause: error });
  if (reasons.some((r) => isThrottling(r.Code))) {
    return new StorageBusyError('The database is throttling requests; retry shortly.', 1, { cause: error });
  }
  return error;
}

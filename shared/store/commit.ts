import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { store } from './client';
import { IdempotencyRecordExistsError, StaleMemberError, StorageBusyError, TransactionConflictError } from './errors';
import { idempotencyRecordPut, type IdempotencyContext, type StoredResponse } from './idempotency';
import { ledgerEntryToItem, memberToItem } from './mappers';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface MemberWrite {
  /** The version read, or null for a member that does not exist yet. */
  expectedVersion: number | null;
  member: MemberState;
  entries: LedgerEntry[];
}

/** Any other item of the use case's transaction, with the error its failed condition means. */
export interface ConditionalWrite {
  item: TransactItem;
  onConditionFailed?: () => Error;
}

export interface Commit {
  members: MemberWrite[];
  writes?: ConditionalWrite[];
  response: StoredResponse;
  /** What a replay answers, when it must differ from the first response (a secret shown once). */
  replayResponse?: StoredResponse;
}

function memberPut(write: MemberWrite): TransactItem {
  const { tableName } = store();
  const next = { ...write.member, version: (write.expectedVersion ?? 0) + 1 };
  return write.expectedVersion === null
    ? { Put: { TableName: tableName, Item: memberToItem(next), ConditionExpression: 'attribute_not_exists(PK)' } }
    : {
        Put: {
          TableName: tableName,
          Item: memberToItem(next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': write.expectedVersion },
        },
      };
}

function ledgerPut(entry: LedgerEntry): TransactItem {
  return {
    Put: {
      TableName: store().tableName,
      Item: ledgerEntryToItem(entry),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * Commits a use case as ONE TransactWriteItems: member(s) with their version condition,
 * their ledger entries, the other conditional items, and the idempotency record.
 * Either all of it is written or none; a cancellation is translated to what it means.
 */
export async function commit(unit: Commit, idempotency: IdempotencyContext | undefined, now: Date): Promise<void> {
  const { client } = store();
  const items: { item: TransactItem; onFailed: () => Error }[] = [];
  for (const write of unit.members) {
    items.push({ item: memberPut(write), onFailed: () => new StaleMemberError() });
    for (const entry of write.entries) items.push({ item: ledgerPut(entry), onFailed: () => new StaleMemberError() });
  }
  for (const write of unit.writes ?? []) {
    items.push({ item: write.item, onFailed: write.onConditionFailed ?? (() => new StaleMemberError()) });
  }
  if (idempotency)
    items.push({
      item: idempotencyRecordPut(idempotency, unit.replayResponse ?? unit.response, now),
      onFailed: () => new IdempotencyRecordExistsError(),
    });
  if (items.length > 100) throw new RangeError('a transaction holds at most 100 items');
  try {
    await client.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item) }));
  } catch (error) {
    throw translateCancellation(
      error,
      items.map((i) => i.onFailed),
    );
  }
}

function translateCancellation(error: unknown, onFailed: (() => Error)[]): unknown {
  const name = (error as { name?: string }).name;
  if (name === 'TransactionConflictException') return new TransactionConflictError({ cause: error });
  if (name !== 'TransactionCanceledException') return error;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  // The idempotency record decides first: if the key was used, nothing else matters.
  const last = reasons.length - 1;
  if (reasons[last]?.Code === 'ConditionalCheckFailed') {
    const failure = onFailed[last]?.();
    if (failure instanceof IdempotencyRecordExistsError) return failure;
  }
  for (const [index, reason] of reasons.entries()) {
    if (reason.Code === 'ConditionalCheckFailed') return onFailed[index]?.() ?? error;
  }
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return new TransactionConflictError({ cause: error });
  if (reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')) {
    return new StorageBusyError('The database is throttling requests; retry shortly.', 1, { cause: error });
  }
  return error;
}

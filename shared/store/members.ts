import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import type { LedgerEntry } from '@shared/domain/ledger';
import { settleCashback, type MemberState } from '@shared/domain/member';
import { store } from './client';
import { commit, type Commit } from './commit';
import { IdempotencyKeyReuseError, IdempotencyRecordExistsError } from './errors';
import { lookupIdempotency, type IdempotencyContext, type StoredResponse } from './idempotency';
import { itemToLedgerEntry, itemToMember } from './mappers';
import { keys } from './keys';
import { withWriteRetries } from './retry';
import { findOrder } from './orders';
import type { OrderState } from '@shared/domain/order';
import { decodeCursor, encodeCursor } from './cursor';

export interface CommandResult extends StoredResponse {
  replayed: boolean;
}

export async function findMember(memberId: string): Promise<MemberState | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.member(memberId), ConsistentRead: true }),
  );
  return Item ? itemToMember(Item) : undefined;
}

/** A member that exists and is not erased, with released cashback settled. */
export async function loadActiveMember(memberId: string, now: Date): Promise<MemberState> {
  const member = await findMember(memberId);
  if (!member) throw new DomainError('member-not-found', `No member ${memberId}.`);
  if (member.status === 'erased') throw new DomainError('member-erased', `Member ${memberId} was erased.`);
  return settleCashback(member, now);
}

/**
 * `runMemberCommand` for use cases about one order of the member (earn, cashback, refund):
 * the member and the order are read at once, not one after the other.
 */
export function runMemberOrderCommand(
  memberId: string,
  orderId: string,
  idempotency: IdempotencyContext | undefined,
  now: () => Date,
  decide: (member: MemberState, order: OrderState | undefined, now: Date) => Promise<Commit> | Commit,
): Promise<CommandResult> {
  return runCommand(idempotency, now, async (at) => {
    const [member, order] = await Promise.all([loadActiveMember(memberId, at), findOrder(memberId, orderId)]);
    return decide(member, order, at);
  });
}

/** When the record exists, the first response is the answer (or a 422 for a different request). */
export async function replayFromRecord(idempotency: IdempotencyContext, now: Date): Promise<CommandResult> {
  const found = await lookupIdempotency(idempotency, now);
  if (found.kind === 'mismatch') throw new IdempotencyKeyReuseError();
  if (found.kind === 'replay') return { ...found.response, replayed: true };
  throw new Error('idempotency record vanished between the failed write and the read');
}

/**
 * Runs a write use case: `decide` gets fresh state and returns the commit (pure rules
 * live in shared/domain); the commit is one transaction. Lost races re-run `decide`;
 * a used idempotency key answers with the first response.
 */
export async function runCommand(
  idempotency: IdempotencyContext | undefined,
  now: () => Date,
  decide: (now: Date) => Promise<Commit>,
): Promise<CommandResult> {
  return withWriteRetries(async () => {
    const at = now();
    const unit = await decide(at);
    try {
      await commit(unit, idempotency, at);
    } catch (error) {
      if (error instanceof IdempotencyRecordExistsError && idempotency) return replayFromRecord(idempotency, now());
      throw error;
    }
    return { ...unit.response, replayed: false };
  });
}

/** `runCommand` for the common case: one existing member, read fresh on every attempt. */
export function runMemberCommand(
  memberId: string,
  idempotency: IdempotencyContext | undefined,
  now: () => Date,
  decide: (member: MemberState, now: Date) => Promise<Commit> | Commit,
): Promise<CommandResult> {
  return runCommand(idempotency, now, async (at) => decide(await loadActiveMember(memberId, at), at));
}

export async function listLedger(
  memberId: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: LedgerEntry[]; nextCursor?: string }> {
  const { client, tableName } = store();
  const partition = keys.memberPartition(memberId);
  const startSk = cursor ? decodeCursor(cursor, 'ledger') : undefined;
  const { Items = [], LastEvaluatedKey } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.ledgerPrefix },
      ScanIndexForward: false,
      Limit: limit,
      ...(startSk ? { ExclusiveStartKey: { PK: partition, SK: startSk } } : {}),
    }),
  );
  const items = Items.map(itemToLedgerEntry);
  return LastEvaluatedKey ? { items, nextCursor: encodeCursor('ledger', String(LastEvaluatedKey.SK)) } : { items };
}

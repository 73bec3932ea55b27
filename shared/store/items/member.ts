import type { MemberState, PendingCashback } from '@shared/domain/member';
import { scheduleKeyAt } from '@shared/domain/time-rules';
import { batchGet } from '../batch-get';
import { store } from '../client';
import { getItem } from '../get';
import { indexKeys, memberPartition } from '../keys';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';
import {
  decodePendingLots,
  decodeSpendByDay,
  encodePendingLots,
  encodeSpendByDay,
  type StoredPendingLot,
} from './member-encoding';

/** The member item: profile, balances and per-member facts, one per member partition. */
export const memberKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: 'PROFILE' });

/** `keyAsIs`: the member's schedule key was set by the app (the time job, or a write that knew the program): store it as it is. */
export function memberToItem(member: MemberState, options: { keyAsIs?: boolean } = {}): Item {
  // GSI4 (the schedule of the time rules: shared/domain/time-rules.ts) holds only members with one
  // coming, by when the job should look next: a write moves that key only earlier, so an earn that
  // merely pushes a tier's review later costs the index nothing (the job moves the key on). The
  // key is stored as the index key only.
  const checkAt = options.keyAsIs ? member.timeChangesCheckAt : scheduleKeyAt(member);
  const timeChange = checkAt ? indexKeys.timeChangeDue(member.memberId, checkAt) : {};
  const { timeChangesCheckAt: _checkAt, ...state } = member;
  const { spendByDay, ...purchases } = member.purchases;
  const { pending, ...cashback } = member.cashback;
  // Not on GSI1: a member is written on every use case, and an indexed copy would double each write.
  // Enrolments reach the metrics job through the referral-code claim, written once (./referral-code.ts).
  return {
    ...memberKey(member.memberId),
    entity: 'member',
    ...state,
    purchases: { ...purchases, spendDays: encodeSpendByDay(spendByDay) },
    cashback: { ...cashback, pendingLots: encodePendingLots(pending) },
    ...timeChange,
  };
}

interface StoredPurchases extends Omit<MemberState['purchases'], 'spendByDay'> {
  spendDays?: Uint8Array;
  /** The earlier layout. */
  spendByDay?: Record<string, number>;
}
interface StoredCashback {
  available: number;
  pendingLots?: StoredPendingLot[];
  /** The earlier layout. */
  pending?: PendingCashback[];
  /** Released and not announced yet (cashback.available): few, and gone at the next time-changes run. */
  released?: PendingCashback[];
}

export function itemToMember(item: Item): MemberState {
  const stored = withoutStorageAttributes(item) as unknown as Omit<MemberState, 'purchases' | 'cashback'> & {
    purchases: StoredPurchases;
    cashback: StoredCashback;
  };
  const { spendDays, spendByDay, ...purchases } = stored.purchases;
  const { pendingLots, pending, ...cashback } = stored.cashback;
  // The job's check time is its index key: read back from the key, never stored twice.
  const checkAt = typeof item.GSI4SK === 'string' ? indexKeys.timeChangeDueOf(item.GSI4SK) : undefined;
  return {
    ...stored,
    ...(checkAt ? { timeChangesCheckAt: checkAt } : {}),
    purchases: { ...purchases, spendByDay: spendDays ? decodeSpendByDay(spendDays) : (spendByDay ?? {}) },
    cashback: { ...cashback, pending: pendingLots ? decodePendingLots(pendingLots) : (pending ?? []) },
  };
}

export async function findMember(memberId: string): Promise<MemberState | undefined> {
  const item = await getItem(memberKey(memberId));
  return item ? itemToMember(item) : undefined;
}

/**
 * Whether the member exists and is not erased, without decoding the item: the authorizer's check of
 * a member session. Eventually consistent, like the read of a key (an erasure shows within a second).
 */
export async function memberIsActive(memberId: string): Promise<boolean> {
  const item = await getItem(memberKey(memberId), { consistent: false });
  return item?.status === 'active';
}

/** The member's next state, one version on from the one read (null: a member that does not exist yet). */
export function memberPut(
  member: MemberState,
  expectedVersion: number | null,
  options: { keyAsIs?: boolean } = {},
): TransactItem {
  const next = { ...member, version: (expectedVersion ?? 0) + 1 };
  return versionedPut(memberToItem(next, options), expectedVersion ?? undefined);
}

/**
 * Moves the member's version on by one and nothing else: a change that touches no balance or
 * profile field but is about the member (a raffle won), so its event takes the member's next
 * sequence. Conditioned on the version read and on the member being active.
 */
export function memberSequenceMove(memberId: string, versionRead: number): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: memberKey(memberId),
      UpdateExpression: 'SET #version = :next',
      ConditionExpression: '#version = :read AND #status = :active',
      ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
      ExpressionAttributeValues: { ':read': versionRead, ':next': versionRead + 1, ':active': 'active' },
    },
  };
}

/** What a member item holds of its purchases: count, first and last purchase. */
export interface PurchaseFacts {
  count: number;
  firstAt?: string;
  lastAt?: string;
}

/** The purchase facts the member items hold now, read in batches of their projection only (the metrics job). */
export async function readPurchaseFacts(memberIds: string[]): Promise<Map<string, PurchaseFacts>> {
  const items = await batchGet(
    memberIds.map((memberId) => memberKey(memberId)),
    {
      expression: '#member, #purchases.#count, #purchases.#first, #purchases.#last',
      names: {
        '#member': 'memberId',
        '#purchases': 'purchases',
        '#count': 'count',
        '#first': 'firstAt',
        '#last': 'lastAt',
      },
    },
  );
  return new Map(
    items.map((item) => [
      String(item.memberId),
      { count: 0, ...(item.purchases as Partial<PurchaseFacts> | undefined) },
    ]),
  );
}

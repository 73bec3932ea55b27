import { randomInt } from 'node:crypto';
import { batchGet } from '../batch-get';
import { getItem } from '../get';
import { memberPartition } from '../keys';
import { createPut, type Key, type TransactItem } from '../item';
import { store } from '../client';

/**
 * Counters that many writers touch at once — a reward's codes by status, what members gave to a
 * cause — kept without a hot item: each write adds to ONE of a few shards picked at random, in
 * the same transaction as the change it counts; a read sums the shards (one BatchGetItem).
 */
export const COUNTER_SHARDS = 8;

type CounterKind = 'CODESTATS' | 'DONATIONS';
const shardKey = (kind: CounterKind, rewardId: string, shard: number): Key => ({
  PK: `${kind}#${rewardId}`,
  SK: `SHARD#${shard}`,
});

export type CodeCounter = 'issued' | 'used' | 'expired' | 'cancelled' | 'reserved';
export type DonationCounter = 'points' | 'members';

function counterAdd(kind: CounterKind, rewardId: string, deltas: Partial<Record<string, number>>): TransactItem {
  const entries = Object.entries(deltas).filter(([, delta]) => delta !== undefined && delta !== 0) as [
    string,
    number,
  ][];
  if (entries.length === 0) throw new RangeError('a counter update adds to at least one counter');
  return {
    Update: {
      TableName: store().tableName,
      Key: shardKey(kind, rewardId, randomInt(COUNTER_SHARDS)),
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :d${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, delta], i) => [`:d${i}`, delta])),
    },
  };
}

/** Moves a reward's code counts (a code issued: issued +1; used: issued −1, used +1; …). Undefined when nothing moves. */
export function codeCountsAdd(
  rewardId: string,
  deltas: Partial<Record<CodeCounter, number>>,
): TransactItem | undefined {
  return Object.values(deltas).some((delta) => delta !== undefined && delta !== 0)
    ? counterAdd('CODESTATS', rewardId, deltas)
    : undefined;
}

export function donationAdd(rewardId: string, deltas: Record<DonationCounter, number>): TransactItem {
  return counterAdd('DONATIONS', rewardId, deltas);
}

async function sumShards<C extends string>(kind: CounterKind, rewardIds: string[], counters: readonly C[]) {
  const keys = rewardIds.flatMap((rewardId) =>
    Array.from({ length: COUNTER_SHARDS }, (_, shard) => shardKey(kind, rewardId, shard)),
  );
  const items = keys.length > 0 ? await batchGet(keys) : [];
  const sums = new Map<string, Record<C, number>>();
  for (const rewardId of rewardIds)
    sums.set(rewardId, Object.fromEntries(counters.map((c) => [c, 0])) as Record<C, number>);
  for (const item of items) {
    const sum = sums.get(String(item.PK).slice(kind.length + 1));
    if (!sum) continue;
    for (const counter of counters) sum[counter] += Number(item[counter] ?? 0);
  }
  return sums;
}

export async function codeCounts(rewardId: string): Promise<Record<CodeCounter, number>> {
  const sums = await sumShards('CODESTATS', [rewardId], ['issued', 'used', 'expired', 'cancelled', 'reserved']);
  return sums.get(rewardId) ?? { issued: 0, used: 0, expired: 0, cancelled: 0, reserved: 0 };
}

/** What members gave to each of these donation rewards (one BatchGetItem for all their shards). */
export async function donationTotals(rewardIds: string[]): Promise<Map<string, Record<DonationCounter, number>>> {
  return sumShards('DONATIONS', rewardIds, ['points', 'members']);
}

/** The member's mark of having given to the cause once: the first gift counts the member, later ones do not. */
const donorKey = (memberId: string, rewardId: string): Key => ({
  PK: memberPartition(memberId),
  SK: `DONATED#${rewardId}`,
});

export async function hasDonated(memberId: string, rewardId: string): Promise<boolean> {
  return (await getItem(donorKey(memberId, rewardId))) !== undefined;
}

/** Created with the member's first gift to the cause (fails if another first gift won the race). */
export function donorMarkPut(memberId: string, rewardId: string, at: string): TransactItem {
  return createPut({ ...donorKey(memberId, rewardId), entity: 'donor', rewardId, firstAt: at });
}

import { queryAll } from '../query';
import { EXPIRY_SHARDS, memberPartition, shardOf } from '../keys';
import { deleteItem, plainPut, type TransactItem } from '../item';
import { indexNames } from '../table';

/**
 * A member's lot schedule: one small item per member with lots, indexed on GSI2 under
 * `LOTDUE#<shard>` by the next instant its lots need the time job (`MemberLots.dueAt`). It is
 * written only when that instant moves, so most writes of a member cost the index nothing; the
 * job finds the members due with one Query per shard (no Scan).
 */
const LOT_DUE_SK = 'LOTDUE';
export const lotDueKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: LOT_DUE_SK });
export const lotDuePartition = (shard: number) => `LOTDUE#${shard}`;

/** The schedule item for `dueAt`, or its delete when nothing is due any more. */
export function lotDueWrite(memberId: string, dueAt: string | undefined): TransactItem {
  if (dueAt === undefined) return deleteItem(lotDueKey(memberId));
  return plainPut({
    ...lotDueKey(memberId),
    entity: 'lot-due',
    memberId,
    dueAt,
    GSI2PK: lotDuePartition(shardOf(memberId, EXPIRY_SHARDS)),
    GSI2SK: `${dueAt}#${memberId}`,
  });
}

/** Members whose lots are due by `now` (the index is eventually consistent: each is read again). */
export async function lotDueMembers(now: Date): Promise<string[]> {
  const through = `${now.toISOString()}#~`;
  const shards = await Promise.all(
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) =>
      queryAll({
        IndexName: indexNames.dueByDay,
        KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :through',
        ExpressionAttributeValues: { ':pk': lotDuePartition(shard), ':through': through },
      }),
    ),
  );
  return shards.flat().map((item) => String(item.memberId));
}

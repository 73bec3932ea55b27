import type { SegmentDefinition } from '@shared/domain/segments';
import { store } from '../client';
import { decodeCursor, encodeCursor } from '../cursor';
import { getItem } from '../get';
import { deleteItem, plainPut, type TransactItem } from '../item';
import { shardOf } from '../keys';
import { readPartitions, type Page } from '../query';

/**
 * A segment's members and its size, beside the memberships the member items hold: written in the
 * same transaction as the member whose membership changed (shared/app/support/segment-membership.ts).
 * Spread over SEGMENT_SHARDS partitions by member, each with its own size counter, so a popular
 * segment is no hot item: the size is the sum of the shards' counters (one BatchGetItem), exact
 * because each counter moves with the membership it counts. The partition names the segment's
 * `startedAt`, so a segment created again under a deleted one's id starts empty.
 */
export const SEGMENT_SHARDS = 16;
const MEMBER_PREFIX = 'M#';
const SIZE_KEY = 'SIZE';

type SegmentRef = Pick<SegmentDefinition, 'segmentId' | 'startedAt'>;

const shardPartition = (segment: SegmentRef, shard: number) =>
  `SEGMENT#${segment.segmentId}#${Date.parse(segment.startedAt)}#${shard}`;

export const segmentShardOf = (memberId: string) => shardOf(memberId, SEGMENT_SHARDS);

const membershipKey = (segment: SegmentRef, memberId: string) => ({
  PK: shardPartition(segment, segmentShardOf(memberId)),
  SK: `${MEMBER_PREFIX}${memberId}`,
});
const sizeKey = (segment: SegmentRef, shard: number) => ({ PK: shardPartition(segment, shard), SK: SIZE_KEY });

export const membershipPut = (segment: SegmentRef, memberId: string, since: string): TransactItem =>
  plainPut({ ...membershipKey(segment, memberId), entity: 'segment-member', memberId, since });

export const membershipDelete = (segment: SegmentRef, memberId: string): TransactItem =>
  deleteItem(membershipKey(segment, memberId));

/** Adds `delta` members to one shard's size. */
export function segmentSizeAdd(segment: SegmentRef, shard: number, delta: number): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: sizeKey(segment, shard),
      UpdateExpression: 'SET entity = :entity ADD #size :delta',
      ExpressionAttributeNames: { '#size': 'size' },
      ExpressionAttributeValues: { ':entity': 'segment-size', ':delta': delta },
    },
  };
}

/** The segment's exact size: every shard's counter, read in one batch. */
export async function segmentSize(segment: SegmentRef): Promise<number> {
  const counters = await Promise.all(
    Array.from({ length: SEGMENT_SHARDS }, (_, shard) => getItem(sizeKey(segment, shard), { consistent: false })),
  );
  return counters.reduce((sum, item) => sum + Number(item?.size ?? 0), 0);
}

/** A page of the segment's members, shard by shard, in memberId order within each shard. */
export async function segmentMembersPage(
  segment: SegmentRef,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<{ memberId: string; since: string }>> {
  const list = `segment-members:${segment.segmentId}:${segment.startedAt}`;
  const [index, after] = page.cursor ? splitCursor(decodeCursor(page.cursor, list)) : [0, undefined];
  const queries = Array.from({ length: SEGMENT_SHARDS }, (_, shard) => ({
    partition: shardPartition(segment, shard),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': shardPartition(segment, shard), ':prefix': MEMBER_PREFIX },
  }));
  const { items, next } = await readPartitions(queries, { limit: page.limit, start: { index, after } }, (item) => ({
    memberId: String(item.memberId),
    since: String(item.since),
  }));
  return next ? { items, nextCursor: encodeCursor(list, `${next.index}|${next.after}`) } : { items };
}

function splitCursor(key: string): [number, string | undefined] {
  const bar = key.indexOf('|');
  const shard = Number(key.slice(0, bar));
  const after = key.slice(bar + 1);
  return [Number.isInteger(shard) && shard >= 0 ? shard : 0, after === '' ? undefined : after];
}

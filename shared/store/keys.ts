/**
 * The table's shared key machinery: the member partition (many item types live in it) and the
 * sparse, sharded index keys. Each item type's own key builders live with it in ./items/.
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');
export { pad };

export const memberPartition = (memberId: string) => `MEMBER#${memberId}`;

/**
 * The one shard hash: a stable shard per id (FNV-1a) among `shards`, so the writes of a sharded
 * index spread over several partitions. Every reader queries every shard, so the hash only has to
 * be stable, not the same as an earlier one's.
 */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return hash % shards;
}

/** Shards of the members' schedule key (and of the earlier time keys the migration reads). */
export const EXPIRY_SHARDS = 8;
const expiryShard = (memberId: string) => shardOf(memberId, EXPIRY_SHARDS);

export const ACTIVITY_SHARDS = 8;
/** A busy day's facts spread over several index partitions. */
export const activityShard = (id: string): number => shardOf(id, ACTIVITY_SHARDS);
/** Facts by when they were recorded (written): the metrics job reads what was recorded since its last run. */
const activityBucket = (day: string, shard: number) => `RECORDED#${day}#${shard}`;

export const indexKeys = {
  /**
   * The schedule key (GSI4, sparse: only members with a time rule coming), sharded by member,
   * sorted by when the job should next look at the member (shared/domain/time-rules.ts
   * `timeChangesCheckAt`: never later than the next rule due, moved later only by the job).
   */
  timeChangeDue: (memberId: string, dueAt: string) => ({
    GSI4PK: `TIMECHANGE#${expiryShard(memberId)}`,
    GSI4SK: `${dueAt}#${memberId}`,
  }),
  /** The due time a `timeChangeDue` sort key holds. */
  timeChangeDueOf: (sortKey: string) => sortKey.slice(0, sortKey.indexOf('#')),
  timeChangePartition: (shard: number) => `TIMECHANGE#${shard}`,
  /**
   * GSI1 (activity by day, sparse, sharded): `at` is an ISO UTC time; its day picks the
   * bucket and the sort key orders facts by time, so a time range is one Query per bucket.
   */
  activity: (at: string, id: string) => ({
    GSI1PK: activityBucket(at.slice(0, 10), activityShard(id)),
    GSI1SK: `${at}#${id}`,
  }),
  activityPartition: activityBucket,
};

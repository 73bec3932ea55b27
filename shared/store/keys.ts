/** Every key of the single table is built here and nowhere else. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const EXPIRY_SHARDS = 8;
function expiryShard(memberId: string): number {
  let hash = 0;
  for (const char of memberId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % EXPIRY_SHARDS;
}

export const ACTIVITY_SHARDS = 8;
/** A stable shard per id (FNV-1a): a busy day's facts spread over several index partitions. */
export function activityShard(id: string): number {
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return hash % ACTIVITY_SHARDS;
}
/** `occurred`: facts by when they happened (window measures); `recorded`: by when they were written (running totals). */
export type ActivityFeed = 'occurred' | 'recorded';
const activityBucket = (feed: ActivityFeed, day: string, shard: number) =>
  `${feed === 'occurred' ? 'ACTIVITY' : 'RECORDED'}#${day}#${shard}`;

export const keys = {
  member: (memberId: string) => ({ PK: `MEMBER#${memberId}`, SK: 'PROFILE' }),
  ledgerEntry: (memberId: string, sequence: number, index: number) => ({
    PK: `MEMBER#${memberId}`,
    SK: `TX#${pad(sequence, 12)}#${pad(index, 3)}`,
  }),
  ledgerPrefix: 'TX#',
  order: (memberId: string, orderId: string) => ({ PK: `MEMBER#${memberId}`, SK: `ORDER#${orderId}` }),
  nps: (memberId: string, answeredAt: string, answerId: string) => ({
    PK: `MEMBER#${memberId}`,
    SK: `NPS#${answeredAt}#${answerId}`,
  }),
  /** What the metrics job last counted for this member (purchaser, repeat purchaser, lifespan). */
  memberMetrics: (memberId: string) => ({ PK: `MEMBER#${memberId}`, SK: 'METRICS' }),
  memberPartition: (memberId: string) => `MEMBER#${memberId}`,
  referralCode: (code: string) => ({ PK: `REFERRAL#${code}`, SK: 'REFERRAL' }),
  externalId: (externalId: string) => ({ PK: `EXTERNAL#${externalId}`, SK: 'EXTERNAL' }),
  idempotency: (scope: string, key: string) => ({ PK: `IDEMPOTENCY#${scope}#${key}`, SK: 'IDEMPOTENCY' }),
  apiKey: (keyHash: string) => ({ PK: `APIKEY#${keyHash}`, SK: 'APIKEY' }),
  partner: (partnerId: string) => ({ PK: `PARTNER#${partnerId}`, SK: 'PARTNER' }),
  programCurrent: () => ({ PK: 'PROGRAM', SK: 'CURRENT' }),
  programVersion: (version: number) => ({ PK: 'PROGRAM', SK: `VERSION#${pad(version, 8)}` }),
  /** The catalog is one partition, so listing it is a Query, never a Scan. */
  reward: (rewardId: string) => ({ PK: 'CATALOG', SK: `REWARD#${rewardId}` }),
  catalogPartition: 'CATALOG',
  rewardPrefix: 'REWARD#',
  /**
   * Points expiry (GSI2, sparse: only members with a positive balance): sharded by member so
   * no index partition takes every write, sorted by the time inactivity is counted from.
   */
  pointsExpiry: (memberId: string, inactiveSince: string) => ({
    GSI2PK: `EXPIRY#${expiryShard(memberId)}`,
    GSI2SK: `${inactiveSince}#${memberId}`,
  }),
  pointsExpiryPartition: (shard: number) => `EXPIRY#${shard}`,
  snapshot: (computedAt: string, snapshotId: string) => ({ PK: 'METRICS', SK: `SNAPSHOT#${computedAt}#${snapshotId}` }),
  snapshotsPartition: 'METRICS',
  snapshotPrefix: 'SNAPSHOT#',
  /** The metrics job's running all-time totals and the watermark they are counted up to. */
  metricsTotals: () => ({ PK: 'METRICS', SK: 'TOTALS' }),
  /**
   * GSI1 (activity by day, sparse, sharded): `at` is an ISO UTC time; its day picks the
   * bucket and the sort key orders facts by time, so a time range is one Query per bucket.
   */
  activity: (feed: ActivityFeed, at: string, id: string) => ({
    GSI1PK: activityBucket(feed, at.slice(0, 10), activityShard(id)),
    GSI1SK: `${at}#${id}`,
  }),
  activityPartition: activityBucket,
  anonymousPurchase: (orderId: string) => ({ PK: `PURCHASE#${orderId}`, SK: 'PURCHASE' }),
  /** Never written: the readiness check reads it to prove the table answers. */
  readinessProbe: () => ({ PK: 'HEALTH', SK: 'READY' }),
};

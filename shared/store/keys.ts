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

/** Feed partitions: events spread over them so no index partition takes every event of the region. */
export const EVENT_FEED_SHARDS = 4;

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
  /** A member's events live with the member, ordered by their sequence (the `?memberId=` feed is one Query). */
  memberEvent: (memberId: string, sequence: number) => ({ PK: `MEMBER#${memberId}`, SK: `EVENT#${pad(sequence, 15)}` }),
  memberEventPrefix: 'EVENT#',
  /** Events about no member (reward.out-of-stock, webhook.test). */
  globalEvent: (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' }),
  /** GSI3 (the event feed): every event, sharded by id, sorted by time; fixed-width keys sort as they compare. */
  eventFeed: (createdAt: string, eventId: string) => ({
    GSI3PK: `EVENTS#${activityShard(eventId) % EVENT_FEED_SHARDS}`,
    GSI3SK: `${createdAt}#${eventId}`,
  }),
  eventFeedPartition: (shard: number) => `EVENTS#${shard}`,
  /** Webhook endpoints: one small partition (at most 20 per region) with their count, listed by one Query. */
  webhook: (webhookId: string) => ({ PK: 'WEBHOOKS', SK: `WEBHOOK#${webhookId}` }),
  webhookCount: () => ({ PK: 'WEBHOOKS', SK: 'COUNT' }),
  webhooksPartition: 'WEBHOOKS',
  webhookPrefix: 'WEBHOOK#',
  /** One delivery record per endpoint and event, under the endpoint (its deliveries list is one Query). */
  delivery: (webhookId: string, eventId: string) => ({ PK: `WEBHOOK#${webhookId}`, SK: `DELIVERY#${eventId}` }),
  deliveryPartition: (webhookId: string) => `WEBHOOK#${webhookId}`,
  deliveryPrefix: 'DELIVERY#',
};

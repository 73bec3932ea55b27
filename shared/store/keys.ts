/** Every key of the single table is built here and nowhere else. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const EXPIRY_SHARDS = 8;
function expiryShard(memberId: string): number {
  let hash = 0;
  for (const char of memberId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % EXPIRY_SHARDS;
}

export const keys = {
  member: (memberId: string) => ({ PK: `MEMBER#${memberId}`, SK: 'PROFILE' }),
  ledgerEntry: (memberId: string, sequence: number, index: number) => ({ PK: `MEMBER#${memberId}`, SK: `TX#${pad(sequence, 12)}#${pad(index, 3)}` }),
  ledgerPrefix: 'TX#',
  order: (memberId: string, orderId: string) => ({ PK: `MEMBER#${memberId}`, SK: `ORDER#${orderId}` }),
  nps: (memberId: string, answeredAt: string) => ({ PK: `MEMBER#${memberId}`, SK: `NPS#${answeredAt}` }),
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
  pointsExpiry: (memberId: string, inactiveSince: string) => ({ GSI2PK: `EXPIRY#${expiryShard(memberId)}`, GSI2SK: `${inactiveSince}#${memberId}` }),
  pointsExpiryPartition: (shard: number) => `EXPIRY#${shard}`,
  snapshot: (computedAt: string, snapshotId: string) => ({ PK: 'METRICS', SK: `SNAPSHOT#${computedAt}#${snapshotId}` }),
  anonymousPurchase: (orderId: string) => ({ PK: `PURCHASE#${orderId}`, SK: 'PURCHASE' }),
};

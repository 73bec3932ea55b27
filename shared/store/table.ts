/**
 * The one table definition: the CDK stack and the local runtime both build the table
 * from it, so their keys and indexes cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    /** Activity by day, sharded: what happened in a time range, without a scan (metrics). */
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Work falling due by day (points expiry, cashback release): sparse, only members with something due. */
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;

export const indexNames = {
  activityByDay: 'GSI1',
  dueByDay: 'GSI2',
} as const;

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
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: { type: 'ALL' } },
    /**
     * Members whose points could expire, by inactivity: sparse, and it projects only the member id,
     * so a member write that does not move the index keys costs the index nothing.
     */
    {
      indexName: 'GSI2',
      partitionKey: 'GSI2PK',
      sortKey: 'GSI2SK',
      projection: { type: 'INCLUDE', attributes: ['memberId'] },
    },
    /** The event feed (GET /v1/events, the local fan-out): every event by time, in a few shards. */
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: { type: 'ALL' } },
    /**
     * Members with a change by time alone coming (cashback becoming available, a tier that can
     * drop), by when it is due: sparse, sharded, member id only, like GSI2 (the time-changes job).
     */
    {
      indexName: 'GSI4',
      partitionKey: 'GSI4PK',
      sortKey: 'GSI4SK',
      projection: { type: 'INCLUDE', attributes: ['memberId'] },
    },
  ],
  /** Event items reach the fan-out through the table's stream (on AWS). */
  stream: 'NEW_IMAGE',
} as const;

export const indexNames = {
  activityByDay: 'GSI1',
  dueByDay: 'GSI2',
  eventFeed: 'GSI3',
  timeChangesDue: 'GSI4',
} as const;

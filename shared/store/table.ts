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
     * The earlier layout's time keys (members whose points could expire, by inactivity; the lots'
     * schedule items): written by nothing now, read only by the migration onto the schedule key
     * (shared/app/jobs/schedule-key-migration.ts). It goes with the migration once that completed
     * in every region.
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
     * The members' schedule key: when the next time rule is due (shared/domain/time-rules.ts),
     * sparse, sharded, member id only, so a member write that does not move the key costs the
     * index nothing (the time job).
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

import type { EntryName } from '@shared/http/routes';
import { indexNames } from '@shared/store/table';

/**
 * What each Lambda function may do on the table: the ONE declaration its IAM role is built from
 * (infra/constructs/rewards-function.ts). `test/integration/table-access.test.ts` runs every use
 * case through the real handlers on DynamoDB Local, records each request sent to the table, and
 * checks it against the synthesized policies; it also fails when a declared action or partition is
 * never used, so a grant cannot outlive the code that needed it.
 *
 * Partitions are IAM `StringLike` patterns on the partition key (`dynamodb:LeadingKeys`):
 * `*` matches any characters. Keys are built in shared/store/keys.ts and in each item type's module
 * (shared/store/items/).
 */

/** Lambda entry points of functions/: the list is written once, in the route table. */
export type { EntryName };

export type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  // TransactWriteItems is authorized item by item as Put/Update/Delete/ConditionCheckItem; it has no IAM action.
  | 'ConditionCheckItem';
export type IndexName = (typeof indexNames)[keyof typeof indexNames];

export const WRITE_ACTIONS: readonly ItemAction[] = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'ConditionCheckItem',
];
/**
 * Reading items by key: shared/store/get.ts sends reads asked for in the same turn as one
 * BatchGetItem and a lone read as a GetItem, so which of the two a use case sends depends on
 * how many reads coincide (two open raffles, a job's workers). Both read the same items, keys
 * checked one by one against the same partitions: they are granted, and counted as used, together.
 */
export const READ_ACTIONS: readonly ItemAction[] = ['GetItem', 'BatchGetItem'];

/** Some actions on some partitions: one IAM statement with a dynamodb:LeadingKeys condition. */
export interface ItemGrant {
  actions: readonly ItemAction[];
  /** Partition-key patterns the actions may name (every key of a batch or transaction must match). */
  partitions: readonly string[];
  /**
   * Writes any member write may make (the segment membership hook): every function that writes a
   * member holds the grant, and the access test finds them used by one function or another.
   */
  withMemberWrites?: true;
}

export interface TableAccess {
  items?: readonly ItemGrant[];
  /**
   * Query on these indexes, scoped by the index ARN only: the condition key would be evaluated
   * against the index's own partition key, and index queries are read-only.
   */
  queryIndexes?: readonly IndexName[];
  /**
   * A Scan of the table (no partition key to scope it by): only the evaluation of a new segment
   * over every member (shared/store/member-scan.ts), which must read each member once.
   */
  scan?: true;
}

const member = 'MEMBER#*';
/** The progress of a migration of the table's own keys (shared/store/items/schedule-migration.ts). */
const migrations = 'MIGRATIONS';
const idempotency = 'IDEMPOTENCY#*';
const program = 'PROGRAM';
const catalog = 'CATALOG';
const metrics = 'METRICS';
const referral = 'REFERRAL#*';
const externalId = 'EXTERNAL#*';
const apiKey = 'APIKEY#*';
/** Every partner is one item of one partition: the admin list is one Query. */
const partners = 'PARTNERS';
/** An email's claim: the members holding that (normalised) address. */
const email = 'EMAIL#*';
const purchase = 'PURCHASE#*';
/** The raffles' rules (one partition) and each raffle's entries (a partition per raffle). */
const raffles = 'RAFFLES';
const raffle = 'RAFFLE#*';
const webhooks = 'WEBHOOKS';
const webhook = 'WEBHOOK#*';
const globalEvent = 'EVENT#*';
/** A bulk import: its progress item and its bad lines. */
const bulkImport = 'IMPORT#*';
/** A program simulation: its item, the members it found by shard and day, each shard's partial result. */
const simulation = 'SIMULATION#*';
/** Every import's id, in one partition: the admin's list of imports. */
const importList = 'IMPORTS';
/** The shards of basket rules' points budgets (shared/store/items/rule-budget.ts). */
const ruleBudget = 'RULEBUDGET#*';
/** What each partner credited by adjustment on each UTC day (shared/store/items/adjustment-budget.ts). */
const adjustmentBudget = 'ADJUSTBUDGET#*';
/** Reward codes: a code by the hash of its text, a pool reward's codes waiting, a reward's code counts (sharded). */
const code = 'CODE#*';
const pool = 'POOL#*';
const codeStats = 'CODESTATS#*';
/** The one lock pool uploads take in turn (shared/store/pool-upload.ts). */
const poolUploadLock = 'POOLUPLOAD';
/** What members gave to a donation reward (sharded counts). */
const donations = 'DONATIONS#*';
/**
 * The audit log (shared/store/items/audit.ts): a partition per month. Every function with an admin's or a
 * support desk's change puts its record in the change's transaction, after reading the actor's name (PARTNERS).
 */
const audit = 'AUDIT#*';
/** The campaigns (shared/store/items/campaign.ts): one partition, read whole (cached) by what applies them. */
const campaigns = 'CAMPAIGNS';
/**
 * Segments (shared/store/items/segment.ts): every definition and tombstone in one partition; each
 * segment's members and size shards, and its evaluation's progress, under partitions of its own.
 */
const segments = 'SEGMENTS';
const segment = 'SEGMENT#*';
/**
 * The membership hook every member write runs (shared/app/support/segment-membership.ts): the
 * catalog's Query (cached per instance), and the membership items and size shards of the segments
 * a write enters or leaves, in the write's own transaction.
 */
const membershipHook: readonly ItemGrant[] = [
  { actions: ['Query'], partitions: [segments] },
  { actions: ['PutItem', 'DeleteItem', 'UpdateItem'], partitions: [segment], withMemberWrites: true },
  // What a campaign gives on an entry (shared/app/support/campaign-effects.ts), in the same write: the
  // campaigns' Query (cached per instance) and a check of the campaign's revision; a reward's code
  // gifted as a redemption issues one (the reward read, its stock taken or its terms checked, a pool
  // code taken out of its pool, the code item, the reward's counts, reward.out-of-stock for the last).
  { actions: ['Query', 'ConditionCheckItem'], partitions: [campaigns], withMemberWrites: true },
  { actions: READ_ACTIONS, partitions: [catalog, code], withMemberWrites: true },
  { actions: ['UpdateItem', 'ConditionCheckItem'], partitions: [catalog], withMemberWrites: true },
  { actions: ['PutItem'], partitions: [code, globalEvent], withMemberWrites: true },
  { actions: ['Query', 'DeleteItem'], partitions: [pool], withMemberWrites: true },
  { actions: ['UpdateItem'], partitions: [codeStats], withMemberWrites: true },
];

/*
 * Why each write: members, points, cashback, insights and the jobs commit a member with a conditional
 * Put (version check) in one TransactWriteItems with its idempotency record; erasure updates survey
 * answers and deletes the referral and external-id claims; a limited reward loses a unit with an
 * Update, an unlimited one is held to its terms with a ConditionCheck; admin writes program versions,
 * partners and key hashes. Refusals store their idempotency record with a single PutItem. Nothing reads
 * an idempotency record back to replay: the failed condition returns it (ALL_OLD), so no API function
 * but events (retrying a delivery checks its key before it queues anything) reads one.
 */
export const tableAccess: Record<EntryName, TableAccess> = {
  // Health, OpenAPI document, console, 404 and 405 touch nothing; readiness reads one probe key never written.
  public: { items: [{ actions: ['GetItem'], partitions: ['HEALTH'] }] },
  // Resolves a key hash, or checks that a member token's partner and member still exist (one
  // BatchGetItem of the two); may read nothing else, let alone write.
  authorizer: { items: [{ actions: READ_ACTIONS, partitions: [apiKey, partners, member] }] },
  members: {
    items: [
      ...membershipHook,
      // The segment routes: definitions (read, put, delete with a tombstone), sizes and member pages;
      // a list change reads the segment and the member in one batch. A delete first reads the catalog's
      // rewards for one that names the segment (409 segment-in-use).
      { actions: ['Query'], partitions: [segment, catalog] },
      // A delete also counts itself on the links item, conditioned on the namings it read first.
      { actions: ['PutItem', 'DeleteItem', 'UpdateItem'], partitions: [segments] },
      // Lookup reads a claim (external id, email), then the members it names in one batch.
      // Erasure reads the answers kept for replays that hold the member's personal data, and redacts them.
      {
        actions: READ_ACTIONS,
        partitions: [member, program, referral, externalId, email, idempotency, partners, segments, segment],
      },
      { actions: ['Query'], partitions: [member] },
      { actions: ['PutItem'], partitions: [member, idempotency, referral, externalId, audit] },
      // An email claim is a set of members: adding or removing one is an Update, the last one leaving deletes it.
      { actions: ['UpdateItem'], partitions: [member, email, idempotency] },
      { actions: ['DeleteItem'], partitions: [referral, externalId, email] },
    ],
  },
  // An earn enters the purchase in the open raffles: it reads the raffles (cached) and the member's
  // entries, writes the entries and checks the raffle is still open for them.
  // Points lots (shared/app/support/lots.ts): a use case that moves points reads the member's lots (a Query of
  // its partition) and writes them in its transaction: a lot spent or taken back whole is deleted.
  // An earn under a rule with a budget reads its shards beside the member and draws on one with an Update.
  // An adjustment's credit is counted against its partner's daily budget with an Update.
  // Redeeming a code reward issues its code in the same transaction (a pool code is picked from its
  // pool and taken out of it; the reward's code counts move); a donation adds to its cause's counts.
  points: {
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [member, program, catalog, raffle, ruleBudget, code, partners] },
      { actions: ['Query'], partitions: [raffles, member, pool] },
      // A redeem of a reward's last unit also stores reward.out-of-stock, an event about no member.
      { actions: ['PutItem'], partitions: [member, idempotency, raffle, code, globalEvent, audit] },
      { actions: ['DeleteItem'], partitions: [member, pool] },
      { actions: ['UpdateItem'], partitions: [ruleBudget, adjustmentBudget] },
      { actions: ['UpdateItem', 'ConditionCheckItem'], partitions: [catalog] },
      { actions: ['UpdateItem'], partitions: [codeStats, donations] },
      { actions: ['ConditionCheckItem'], partitions: [raffles] },
    ],
  },
  // The till's calls find a code by the hash of its text (validate reads that one item) and change it
  // with its member, ledger entry and events in one transaction; the support desk finds a member's code
  // through the member's pointer; an upload puts pool codes, then adds to the reward's stock.
  codes: {
    items: [
      ...membershipHook,
      // An upload of pool codes is audited (the admin's name read, the record put with the stock's update).
      // An upload reads its idempotency record first (a replay must not read or write 10,000 codes again),
      // takes the uploads' lock, reads the codes in batches and writes the new ones and their places in batches.
      { actions: READ_ACTIONS, partitions: [member, program, catalog, code, codeStats, partners, idempotency] },
      { actions: ['Query'], partitions: [member] },
      { actions: ['PutItem'], partitions: [member, idempotency, code, audit, poolUploadLock] },
      { actions: ['BatchWriteItem'], partitions: [code, pool] },
      { actions: ['DeleteItem'], partitions: [member, poolUploadLock] },
      { actions: ['UpdateItem'], partitions: [catalog, codeStats] },
    ],
  },
  // A refund takes back the raffle entries its order gave, and gives rule budgets their points back;
  // a refund that undoes a gift rule cancels its code (the member's pointer, the code, the reward's counts).
  cashback: {
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [member, program, raffles, raffle, code] },
      { actions: ['Query'], partitions: [member] },
      { actions: ['PutItem'], partitions: [member, idempotency, raffle, code] },
      { actions: ['UpdateItem'], partitions: [ruleBudget, codeStats] },
      { actions: ['DeleteItem'], partitions: [member] },
      { actions: ['ConditionCheckItem'], partitions: [raffles] },
    ],
  },
  // Catalog, and raffles: rules, entries bought with a member's points, the draw (the raffle's
  // revision is bumped with an Update), the verifier's entry list. The draw's announcements move
  // each winner's version on (an Update of the member) beside its raffle.won event and a batch marker.
  rewards: {
    items: [
      ...membershipHook,
      // The draw reads its idempotency record first: a used key must not draw or announce anything.
      // The catalog shows what members gave to each donation reward (its sharded counts).
      // Campaigns: saved (a Put on the revision read, the segment read and checked in the transaction)
      // and deleted by the admin, listed with a Query.
      // Both count the naming on the segments' links item (a delete racing them decides again).
      { actions: [...READ_ACTIONS, 'ConditionCheckItem', 'UpdateItem'], partitions: [segments] },
      {
        actions: READ_ACTIONS,
        partitions: [catalog, program, raffles, raffle, member, idempotency, donations, partners, campaigns],
      },
      { actions: ['Query'], partitions: [catalog, raffles, raffle, member, campaigns] },
      { actions: ['PutItem'], partitions: [catalog, raffles, raffle, member, idempotency, audit, campaigns] },
      { actions: ['DeleteItem'], partitions: [member, campaigns] },
      { actions: ['UpdateItem', 'ConditionCheckItem'], partitions: [raffles] },
      { actions: ['UpdateItem'], partitions: [member] },
    ],
  },
  // A member's own app (/v1/me): the member reads and export, the catalog, the member's raffles and
  // codes, a reward's redemption (its stock; a code reward issues its code as the points function
  // does: a pool code taken out of its pool, the reward's code counts, a donation's counts; the
  // last unit stores reward.out-of-stock), raffle entries bought with points, a name or consent change.
  me: {
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [member, program, catalog, raffles, raffle, code] },
      { actions: ['Query'], partitions: [member, catalog, raffles, pool] },
      { actions: ['PutItem'], partitions: [member, idempotency, raffle, code, globalEvent] },
      { actions: ['DeleteItem'], partitions: [member, pool] },
      { actions: ['UpdateItem', 'ConditionCheckItem'], partitions: [catalog] },
      { actions: ['UpdateItem'], partitions: [codeStats, donations] },
      { actions: ['ConditionCheckItem'], partitions: [raffles] },
    ],
  },
  insights: {
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [member, program, metrics] },
      { actions: ['Query'], partitions: [metrics] },
      { actions: ['PutItem'], partitions: [member, idempotency, metrics, purchase] },
    ],
    queryIndexes: [indexNames.activityByDay],
  },
  admin: {
    items: [
      // A partner's creation and key rotation read their idempotency record before minting a key.
      // Saving a program reads the rewards its gift rules name (they must be code rewards) and the
      // segments its rules name, and counts the naming on the segments' links item (its own partition).
      // Changing a partner reads when its rotated-out key expires, to rewrite that key item too.
      { actions: READ_ACTIONS, partitions: [idempotency, program, partners, catalog, apiKey, segments] },
      { actions: ['UpdateItem'], partitions: [segments] },
      { actions: ['Query'], partitions: [partners, audit] },
      { actions: ['PutItem'], partitions: [idempotency, program, partners, apiKey, audit] },
      { actions: ['DeleteItem'], partitions: [partners, apiKey] },
    ],
  },
  // The event feed (a member's events live in the member's partition, the region's own under EVENT#)
  // and the webhook endpoints (WEBHOOKS: endpoints and their count) with their deliveries (WEBHOOK#id).
  events: {
    items: [
      // A delivery's payload is its event, read where the event is stored (as the delivery function does).
      { actions: READ_ACTIONS, partitions: [idempotency, webhooks, webhook, partners, member, globalEvent] },
      { actions: ['Query'], partitions: [member, webhooks, webhook] },
      { actions: ['PutItem'], partitions: [idempotency, webhooks, globalEvent, audit] },
      { actions: ['UpdateItem', 'DeleteItem'], partitions: [webhooks] },
    ],
    queryIndexes: [indexNames.eventFeed],
  },
  // From a stream record to one delivery record per matching endpoint.
  'event-fanout': {
    items: [
      { actions: ['Query'], partitions: [webhooks] },
      { actions: ['PutItem'], partitions: [webhook] },
    ],
  },
  // One attempt: reads the endpoint and the event, records the attempt.
  'webhook-delivery': {
    items: [
      { actions: READ_ACTIONS, partitions: [webhooks, member, globalEvent, webhook] },
      { actions: ['UpdateItem'], partitions: [webhook] },
    ],
  },
  // Bulk import routes: the import item written with the POST's idempotency record, its progress and bad lines.
  // Program simulations: the simulation item written with the POST's idempotency record (the draft is checked
  // against the program's currency), read back for its progress and figures.
  imports: {
    items: [
      { actions: ['GetItem'], partitions: [bulkImport, partners, program, simulation] },
      // The list of imports: a page of ids, then their progress items.
      { actions: ['BatchGetItem'], partitions: [bulkImport] },
      { actions: ['Query'], partitions: [bulkImport, importList] },
      { actions: ['PutItem'], partitions: [idempotency, bulkImport, importList, audit, simulation] },
    ],
  },
  // The import worker (Step Functions' map on AWS): each member line is one transaction of the member,
  // its entry and events, and its referral, external-id and email claims; each purchase line stores the order
  // on the member; chunk checkpoints update the import item and bad lines are batch-written under it.
  // A purchase line of a member with points lots reads the member's lots (a Query of its partition,
  // beside the member's read) and puts the new lot in its transaction.
  // The same worker runs a program simulation's steps, which write only under the simulation: it reads the
  // activity index (GSI1) for the members who bought, their orders (a Query of each member's partition) and
  // birthdays (a batch read of member items), the program's versions (a Query of PROGRAM).
  'import-worker': {
    // It also runs the evaluation of a segment over every member (its parts of a parallel Scan, each
    // page checkpointed with the segment's progress): shared/app/jobs/segment-evaluation.ts.
    scan: true,
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [bulkImport, externalId, program, member, simulation, segment] },
      { actions: ['Query'], partitions: [member, program, simulation] },
      { actions: ['PutItem'], partitions: [member, referral, externalId, simulation] },
      { actions: ['UpdateItem'], partitions: [bulkImport, email, simulation, segments] },
      { actions: ['BatchWriteItem'], partitions: [bulkImport, simulation] },
    ],
    queryIndexes: [indexNames.activityByDay],
  },
  // Reads the member and order items of what was recorded, and its own digests (Query on METRICS).
  'metrics-job': {
    items: [
      { actions: READ_ACTIONS, partitions: [program, metrics, member] },
      { actions: ['Query'], partitions: [metrics] },
      { actions: ['PutItem'], partitions: [member, metrics] },
    ],
    queryIndexes: [indexNames.activityByDay],
  },
  // The time rules (shared/domain/time-rules.ts): finds the members due through the schedule key
  // (GSI4), reads each, its lots and the program, and commits the member with its entries and
  // events (all in its partition). The codes' rule reads a member's codes past their time (its due
  // items, then the codes) and writes each expired code with the member, removing its due item and
  // moving the reward's counts. The passes over the time keys read and save their progress, page
  // the earlier keys (GSI2) or the schedule key, and delete a member's earlier lot schedule item.
  'time-job': {
    items: [
      ...membershipHook,
      { actions: READ_ACTIONS, partitions: [member, program, code, migrations] },
      { actions: ['Query'], partitions: [member] },
      { actions: ['PutItem'], partitions: [member, code, migrations] },
      { actions: ['DeleteItem'], partitions: [member] },
      { actions: ['UpdateItem'], partitions: [codeStats] },
    ],
    queryIndexes: [indexNames.dueByDay, indexNames.timeChangesDue],
  },
};

/** IAM `StringLike`: `*` is any run of characters, `?` one character, everything else literal. */
export function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

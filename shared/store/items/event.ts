import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  expiresAtEpochSeconds,
  publicEvent,
  withoutPersonalData,
  type DomainEvent,
  type EventType,
  type PublicEvent,
} from '@shared/domain/events';
import { store } from '../client';
import type { ConditionalWrite } from '../commit';
import { decodeCursor, encodeCursor } from '../cursor';
import type { Item, TransactItem } from '../item';
import { memberPartition, pad, shardOf } from '../keys';
import { queryAll, queryPage, readPartition } from '../query';
import { indexNames } from '../table';

/** Feed partitions: events spread over them so no index partition takes every event of the region. */
const EVENT_FEED_SHARDS = 4;

/** A member's events live with the member, ordered by their sequence (the `?memberId=` feed is one Query). */
const keys = {
  memberEvent: (memberId: string, sequence: number) => ({
    PK: memberPartition(memberId),
    SK: `EVENT#${pad(sequence, 15)}`,
  }),
  memberEventPrefix: 'EVENT#',
  /** Events about no member (reward.out-of-stock, webhook.test). */
  globalEvent: (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' }),
  memberPartition,
  /** GSI3 (the event feed): every event, sharded by id, sorted by time; fixed-width keys sort as they compare. */
  eventFeed: (createdAt: string, eventId: string) => ({
    GSI3PK: `EVENTS#${shardOf(eventId, EVENT_FEED_SHARDS)}`,
    GSI3SK: `${createdAt}#${eventId}`,
  }),
  eventFeedPartition: (shard: number) => `EVENTS#${shard}`,
};

/**
 * Events in the single table (the transactional outbox). A member's event is written in the
 * same TransactWriteItems as the change, under the member's partition (sorted by sequence);
 * every event is also on GSI3, the time-ordered feed. The table's stream carries new event
 * items to the fan-out; erasure and TTL (35 days) change or remove them without a delivery.
 */

/** An event item stays within 1 KB: 1 write unit per copy (2 in a transaction, plus the feed index's copy). */
export const MAX_EVENT_ITEM_BYTES = 1024;

export class EventTooLargeError extends Error {
  constructor(type: string, bytes: number) {
    super(`a ${type} event item would take ${bytes} bytes (at most ${MAX_EVENT_ITEM_BYTES}): keep its data smaller`);
    this.name = 'EventTooLargeError';
  }
}

/** Where an event is stored: enough to read it back (a delivery record keeps this, not the event). */
export interface EventRef {
  eventId: string;
  memberId?: string;
  sequence?: number;
}

export function eventKey(ref: EventRef): { PK: string; SK: string } {
  return ref.memberId !== undefined && ref.sequence !== undefined
    ? keys.memberEvent(ref.memberId, ref.sequence)
    : keys.globalEvent(ref.eventId);
}

export function eventToItem(event: DomainEvent): Item {
  return {
    ...eventKey({ eventId: event.id, ...event }),
    entity: 'event',
    ...event,
    ...keys.eventFeed(event.createdAt, event.id),
    ttl: expiresAtEpochSeconds(event.createdAt),
  };
}

export function itemToEvent(item: Item): DomainEvent {
  return {
    id: String(item.id),
    type: item.type as EventType,
    createdAt: String(item.createdAt),
    ...(item.memberId !== undefined ? { memberId: item.memberId as string } : {}),
    ...(item.sequence !== undefined ? { sequence: Number(item.sequence) } : {}),
    data: (item.data ?? {}) as Record<string, unknown>,
    ...(item.target !== undefined ? { target: item.target as string } : {}),
  };
}

/**
 * DynamoDB's item size: attribute names plus values (strings in UTF-8, numbers about one byte
 * per two digits, 3 bytes per map or list plus 1 per element). Close enough to keep a margin.
 */
export function itemSizeBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, inner) => sum + 1 + itemSizeBytes(inner), 0);
  return (
    3 +
    Object.entries(value as Item).reduce(
      (sum, [name, inner]) => sum + 1 + Buffer.byteLength(name, 'utf8') + itemSizeBytes(inner),
      0,
    )
  );
}

/**
 * The transact item that stores an event; put it in the use case's own TransactWriteItems.
 * Conditioned on not existing: a member's sequence is taken once, whatever happens.
 */
export function eventPut(event: DomainEvent): TransactItem {
  const item = eventToItem(event);
  const bytes = itemSizeBytes(item);
  if (bytes > MAX_EVENT_ITEM_BYTES) throw new EventTooLargeError(event.type, bytes);
  return { Put: { TableName: store().tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } };
}

/** `eventPut` for `Commit.writes` (shared/store/commit.ts). */
export function eventWrites(events: readonly DomainEvent[]): ConditionalWrite[] {
  return events.map((event) => ({ item: eventPut(event) }));
}

/** Stores events on their own (the test event; tests). Use cases write theirs with `eventWrites`. */
export async function putEvents(events: readonly DomainEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 100) {
    await store().client.send(
      new TransactWriteCommand({ TransactItems: events.slice(start, start + 100).map(eventPut) }),
    );
  }
}

export async function readEvent(ref: EventRef): Promise<DomainEvent | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: eventKey(ref), ConsistentRead: true }),
  );
  return Item ? itemToEvent(Item) : undefined;
}

// ---------------------------------------------------------------- the feed

export interface FeedQuery {
  after?: string;
  limit: number;
  types?: readonly EventType[];
  memberId?: string;
  now: Date;
  /**
   * The feed shows only events older than this: an event's time is taken before its transaction
   * commits and the index is updated a moment later, so a younger position could still receive
   * events. A cursor therefore never passes an event that has yet to appear.
   */
  settleMs: number;
  /** The local fan-out reads the test events too; partners never see them. */
  includeTests?: boolean;
}

export interface FeedPage {
  items: DomainEvent[];
  nextCursor: string;
}

const FEED_LIST = 'events';
const MEMBER_FEED_LIST = 'member-events';
/** Sorts before every feed key (they start with a 20xx year). */
const FEED_START = '0';

/** The filter of a feed query, merged with its key condition's values. */
function feedExpression(
  keyCondition: string,
  keyValues: Record<string, unknown>,
  types: readonly EventType[] | undefined,
  includeTests: boolean,
) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...keyValues };
  const conditions: string[] = [];
  if (types) {
    names['#type'] = 'type';
    types.forEach((type, i) => (values[`:type${i}`] = type));
    conditions.push(`#type IN (${types.map((_, i) => `:type${i}`).join(', ')})`);
  }
  if (!includeTests) {
    names['#target'] = 'target';
    conditions.push('attribute_not_exists(#target)');
  }
  return {
    KeyConditionExpression: keyCondition,
    ExpressionAttributeValues: values,
    ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names } : {}),
  };
}

/** A feed cursor that resumes after everything up to `time` (the local fan-out starts at its start). */
export const feedCursorAt = (time: Date) => encodeCursor(FEED_LIST, `${time.toISOString()}#~`);

/** Events oldest first, after a cursor, optionally of some types or of one member. */
export async function readEventFeed(query: FeedQuery): Promise<FeedPage> {
  return query.memberId ? readMemberFeed({ ...query, memberId: query.memberId }) : readRegionFeed(query);
}

/**
 * One Query per shard, merged by time. With a filter a shard may stop before `limit` matches;
 * only what every shard has read up to (the frontier) is certain to be complete, so the page
 * holds nothing beyond it and the cursor resumes from there.
 */
async function readRegionFeed(query: FeedQuery): Promise<FeedPage> {
  const after = query.after ? decodeCursor(query.after, FEED_LIST) : FEED_START;
  const until = `${new Date(query.now.getTime() - query.settleMs).toISOString()}#~`;
  if (after >= until) return { items: [], nextCursor: encodeCursor(FEED_LIST, after) };
  const shards = await Promise.all(
    Array.from({ length: EVENT_FEED_SHARDS }, async (_, shard) => {
      const page = await queryPage({
        IndexName: indexNames.eventFeed,
        ...feedExpression(
          'GSI3PK = :pk AND GSI3SK BETWEEN :after AND :until',
          { ':pk': keys.eventFeedPartition(shard), ':after': after, ':until': until },
          query.types,
          query.includeTests ?? false,
        ),
        Limit: query.limit + 1,
      });
      const items = page.items.filter((item) => String(item.GSI3SK) > after);
      const frontier = page.next ? String(page.next.GSI3SK) : until;
      return { items, frontier };
    }),
  );
  const frontier = shards.reduce((lowest, shard) => (shard.frontier < lowest ? shard.frontier : lowest), until);
  const merged = shards
    .flatMap((shard) => shard.items)
    .filter((item) => String(item.GSI3SK) <= frontier)
    .sort((a, b) => (String(a.GSI3SK) < String(b.GSI3SK) ? -1 : 1))
    .slice(0, query.limit);
  const last = merged.at(-1);
  const position = merged.length === query.limit && last ? String(last.GSI3SK) : frontier;
  return { items: merged.map(itemToEvent), nextCursor: encodeCursor(FEED_LIST, position) };
}

/**
 * A member's events by sequence, strongly consistent: the cursor always resumes after the last
 * event read (a feed never ends; before the member's first event it is "before everything").
 */
async function readMemberFeed(query: FeedQuery & { memberId: string }): Promise<FeedPage> {
  const partition = keys.memberPartition(query.memberId);
  const after = query.after ? decodeCursor(query.after, MEMBER_FEED_LIST) : undefined;
  const found = await readPartition(
    {
      partition,
      ...feedExpression(
        'PK = :pk AND begins_with(SK, :prefix)',
        { ':pk': partition, ':prefix': keys.memberEventPrefix },
        query.types,
        query.includeTests ?? false,
      ),
      ConsistentRead: true,
    },
    { limit: query.limit, after },
    itemToEvent,
  );
  return {
    items: found.items,
    nextCursor: encodeCursor(MEMBER_FEED_LIST, found.lastKey ?? after ?? keys.memberEventPrefix),
  };
}

export const toPublicEvents = (page: FeedPage): { items: PublicEvent[]; nextCursor: string } => ({
  items: page.items.map(publicEvent),
  nextCursor: page.nextCursor,
});

// ---------------------------------------------------------------- erasure

/**
 * Erasure: every stored event of the member keeps its amounts and loses the personal fields
 * (shared/domain/events.ts PERSONAL_FIELDS). An update is not a new event: the stream filter
 * lets only new event items through, so nothing is delivered again. Returns how many changed.
 */
export async function erasePersonalDataFromEvents(memberId: string): Promise<number> {
  const { client, tableName } = store();
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.memberPartition(memberId), ':prefix': keys.memberEventPrefix },
  });
  let changed = 0;
  for (const item of items) {
    const redacted = withoutPersonalData(item.data ?? {});
    if (JSON.stringify(redacted) === JSON.stringify(item.data ?? {})) continue;
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'SET #data = :data',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#data': 'data' },
        ExpressionAttributeValues: { ':data': redacted },
      }),
    );
    changed += 1;
  }
  return changed;
}

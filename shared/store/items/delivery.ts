import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expiresAtEpochSeconds, type DomainEvent, type EventType } from '@shared/domain/events';
import type { DeliveryState, DeliveryStatus } from '@shared/domain/webhooks';
import { store } from '../client';
import { conditionHeld } from '../errors';
import type { Item } from '../item';
import { cursorPage, queryAll, type Page } from '../query';
import type { EventRef } from './event';

/**
 * One delivery record per endpoint and event, in the endpoint's own partition (its deliveries
 * list is one Query, newest event first); it keeps where the event is stored, not the event.
 */
const keys = {
  delivery: (webhookId: string, eventId: string) => ({ PK: `WEBHOOK#${webhookId}`, SK: `DELIVERY#${eventId}` }),
  deliveryPartition: (webhookId: string) => `WEBHOOK#${webhookId}`,
  deliveryPrefix: 'DELIVERY#',
};

export interface DeliveryRecord extends DeliveryState, EventRef {
  webhookId: string;
  type: EventType;
  createdAt: string;
}

export type DeliveryView = Pick<
  DeliveryRecord,
  'eventId' | 'type' | 'status' | 'attempts' | 'lastAttemptAt' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt'
>;

export function deliveryView(record: DeliveryRecord): DeliveryView {
  const { webhookId: _w, memberId: _m, sequence: _s, createdAt: _c, ...view } = record;
  return view;
}

function itemToDelivery(item: Item): DeliveryRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ttl: _ttl, ...record } = item;
  return record as unknown as DeliveryRecord;
}

/**
 * The fan-out's record of one delivery, written once: a stream batch handled twice finds it
 * and leaves it as it is. Answers whether it was new.
 */
export async function createDelivery(webhookId: string, event: DomainEvent, now: Date): Promise<boolean> {
  const { client, tableName } = store();
  const record: DeliveryRecord = {
    webhookId,
    eventId: event.id,
    ...(event.memberId !== undefined ? { memberId: event.memberId } : {}),
    ...(event.sequence !== undefined ? { sequence: event.sequence } : {}),
    type: event.type,
    createdAt: event.createdAt,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
  return conditionHeld(
    client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.delivery(webhookId, event.id),
          entity: 'delivery',
          ...record,
          ttl: expiresAtEpochSeconds(event.createdAt),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}

export async function findDelivery(webhookId: string, eventId: string): Promise<DeliveryRecord | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.delivery(webhookId, eventId), ConsistentRead: true }),
  );
  return Item ? itemToDelivery(Item) : undefined;
}

/** Records an attempt's result; the absent optional fields are removed. */
export async function saveDeliveryState(webhookId: string, eventId: string, state: DeliveryState): Promise<void> {
  const { client, tableName } = store();
  const fields = ['status', 'attempts', 'lastAttemptAt', 'lastStatusCode', 'lastError', 'nextAttemptAt'] as const;
  const set = fields.filter((field) => state[field] !== undefined);
  const remove = fields.filter((field) => state[field] === undefined);
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.delivery(webhookId, eventId),
      UpdateExpression: [
        `SET ${set.map((field) => `#${field} = :${field}`).join(', ')}`,
        remove.length > 0 ? `REMOVE ${remove.map((field) => `#${field}`).join(', ')}` : '',
      ].join(' '),
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: Object.fromEntries(fields.map((field) => [`#${field}`, field])),
      ExpressionAttributeValues: Object.fromEntries(set.map((field) => [`:${field}`, state[field]])),
    }),
  );
}

/** An endpoint's deliveries, newest event first, optionally of one status. */
export function listDeliveries(
  webhookId: string,
  options: { status?: DeliveryStatus; limit: number; cursor?: string },
): Promise<Page<DeliveryView>> {
  const partition = keys.deliveryPartition(webhookId);
  // A status filter reads past the items it drops: the page reads on until it is full or the list ends.
  return cursorPage(
    { list: `deliveries:${options.status ?? 'all'}`, boundTo: webhookId },
    {
      partition,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': partition,
        ':prefix': keys.deliveryPrefix,
        ...(options.status ? { ':status': options.status } : {}),
      },
      ...(options.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ScanIndexForward: false,
    },
    { limit: options.limit, cursor: options.cursor },
    (item) => deliveryView(itemToDelivery(item)),
  );
}

/** Every pending delivery of an endpoint, with its event reference: what a restarted local delivery worker picks up. */
export async function pendingDeliveries(webhookId: string): Promise<DeliveryRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    FilterExpression: '#status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':pk': keys.deliveryPartition(webhookId),
      ':prefix': keys.deliveryPrefix,
      ':pending': 'pending',
    },
    ConsistentRead: true,
  });
  return items.map(itemToDelivery);
}

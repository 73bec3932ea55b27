import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgePublisher } from '@shared/delivery/bus';
import { fanOut } from '@shared/delivery/fanout';
import { deliveryQueue } from '@shared/delivery/queue';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';
import { itemToEvent } from '@shared/store/items/event';

const busName = process.env.EVENT_BUS_NAME;
const publisher = busName ? new EventBridgePublisher(busName) : undefined;

/**
 * The table's stream, filtered by the event source mapping to new event items, → one delivery
 * per matching endpoint on the queue, and the events on the region's bus. A failure fails the
 * batch: the stream retries it (halved on each failure) and nothing is skipped silently.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const events = event.Records.flatMap((record) =>
    record.eventName === 'INSERT' && record.dynamodb?.NewImage
      ? [itemToEvent(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>))]
      : [],
  );
  const { messages } = await fanOut(events, {
    queue: deliveryQueue(),
    ...(publisher ? { publisher } : {}),
    now: clock,
  });
  logger.info('fanned out', { events: events.length, messages });
}

import { endpointWants, publicEvent, type DomainEvent } from '@shared/domain/events';
import { createDelivery } from '@shared/store/items/delivery';
import { listWebhooks, type WebhookEndpoint } from '@shared/store/items/webhook';
import type { EventPublisher } from './bus';
import type { DeliveryMessage, DeliveryQueue } from './queue';

/** Whether an endpoint gets an event: the test event only its own endpoint, the rest as subscribed. */
export function endpointGets(endpoint: WebhookEndpoint, event: DomainEvent): boolean {
  if (event.target !== undefined) return event.target === endpoint.webhookId;
  return endpoint.status === 'enabled' && endpointWants(endpoint.types, event);
}

export interface FanOutDeps {
  queue: DeliveryQueue;
  /** The region's event bus (AWS); none locally. */
  publisher?: EventPublisher;
  now: () => Date;
}

/**
 * New events → one delivery record and one queue message per matching endpoint, and the
 * events on the bus. The same code runs for a stream batch (AWS) and the local feed reader.
 * Safe to run twice for the same events: records are created once, and a message of a
 * delivery that already succeeded is dropped by the delivery function (at least once, never lost).
 */
export async function fanOut(events: readonly DomainEvent[], deps: FanOutDeps): Promise<{ messages: number }> {
  if (events.length === 0) return { messages: 0 };
  const endpoints = await listWebhooks();
  const messages: DeliveryMessage[] = [];
  for (const event of events)
    for (const endpoint of endpoints)
      if (endpointGets(endpoint, event))
        messages.push({
          webhookId: endpoint.webhookId,
          eventId: event.id,
          ...(event.memberId !== undefined ? { memberId: event.memberId } : {}),
          ...(event.sequence !== undefined ? { sequence: event.sequence } : {}),
        });
  const byId = new Map(events.map((event) => [event.id, event]));
  const at = deps.now();
  await Promise.all(
    messages.map((message) => createDelivery(message.webhookId, byId.get(message.eventId) as DomainEvent, at)),
  );
  await deps.queue.send(messages);
  const published = events.filter((event) => event.target === undefined).map(publicEvent);
  if (deps.publisher && published.length > 0) await deps.publisher.publish(published);
  return { messages: messages.length };
}

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PublicEvent } from '@shared/domain/events';

export const EVENT_SOURCE = 'rewards-api';

/** Puts events on the region's EventBridge bus: AWS-native consumers subscribe with rules. */
export interface EventPublisher {
  publish(events: readonly PublicEvent[]): Promise<void>;
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client = new EventBridgeClient({}),
  ) {}

  async publish(events: readonly PublicEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 10) {
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: events.slice(start, start + 10).map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Time: new Date(event.createdAt),
            Detail: JSON.stringify(event),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${result.FailedEntryCount} events`);
    }
  }
}

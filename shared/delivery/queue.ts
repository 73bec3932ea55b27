import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { replaceable } from '@shared/adapters/replaceable';
import type { EventRef } from '@shared/store/items/event';

/** One delivery of one event to one endpoint: the unit the queue carries and retries. */
export interface DeliveryMessage extends EventRef {
  webhookId: string;
  /** An admin's retry: one attempt now, whatever the delivery's state, with no schedule after it. */
  manual?: boolean;
}

/** Where deliveries wait for their attempt: SQS on AWS, in-process timers locally (infra/local/events.ts). */
export interface DeliveryQueue {
  send(messages: readonly DeliveryMessage[]): Promise<void>;
}

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client = new SQSClient({}),
  ) {}

  async send(messages: readonly DeliveryMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      // A partial failure must not pass as sent: the caller (the stream) retries the whole batch.
      if (result.Failed && result.Failed.length > 0)
        throw new Error(`SQS refused ${result.Failed.length} delivery messages: ${result.Failed[0]?.Message}`);
    }
  }
}

const queue = replaceable<DeliveryQueue>(() => {
  const url = process.env.DELIVERY_QUEUE_URL;
  if (!url) throw new Error('DELIVERY_QUEUE_URL is not set and no local delivery queue runs');
  return new SqsDeliveryQueue(url);
});

/** The process's delivery queue: SQS from DELIVERY_QUEUE_URL unless one was set (locally, tests). */
export const deliveryQueue = queue.get;
export const useDeliveryQueue = queue.use;

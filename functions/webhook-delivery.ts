import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { eventsConfig } from '@shared/delivery/config';
import { deliver } from '@shared/delivery/delivery';
import type { DeliveryMessage } from '@shared/delivery/queue';
import { logger } from '@shared/observability';

const sqs = new SQSClient({});
const config = eventsConfig();

/**
 * SQS → one attempt per message, all of a batch at once (a slow receiver never holds up
 * another). A retry keeps the message: its visibility is set to the backoff and the record is
 * reported as failed, so SQS shows it again then. The last failure sends it to the dead-letter
 * queue; a crash leaves the whole message to SQS (and, after many receives, to the DLQ too).
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures = await Promise.all(event.Records.map(handleRecord));
  return { batchItemFailures: failures.flatMap((id) => (id ? [{ itemIdentifier: id }] : [])) };
}

async function handleRecord(record: SQSRecord): Promise<string | undefined> {
  const queueUrl = queueUrlOf(record.eventSourceARN);
  try {
    const message = JSON.parse(record.body) as DeliveryMessage;
    const result = await deliver(message, {
      now: () => new Date(),
      random: Math.random,
      retrySchedule: config.retrySchedule,
      policy: config.policy,
    });
    if (result.kind === 'retry') {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: result.inSeconds,
        }),
      );
      return record.messageId;
    }
    if (result.kind === 'exhausted')
      await sqs.send(new SendMessageCommand({ QueueUrl: process.env.DEAD_LETTER_QUEUE_URL, MessageBody: record.body }));
    return undefined;
  } catch (error) {
    logger.error('delivery failed unexpectedly', { error: error as Error, messageId: record.messageId });
    return record.messageId;
  }
}

/** arn:aws:sqs:<region>:<account>:<name> → the queue's URL. */
function queueUrlOf(arn: string): string {
  const [, , , region, account, name] = arn.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

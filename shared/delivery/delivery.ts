import { publicEvent } from '@shared/domain/events';
import { afterAttempt, signingSecrets, type AddressPolicy, type AttemptOutcome } from '@shared/domain/webhooks';
import { readEvent } from '@shared/store/items/event';
import { openWebhookSecrets } from '@shared/secrets/webhook-secrets';
import { findDelivery, saveDeliveryState } from '@shared/store/items/delivery';
import { findWebhookWithSecrets } from '@shared/store/items/webhook';
import { postWebhook } from './http';
import type { DeliveryMessage } from './queue';
import { signedHeaders } from './signing';

export interface DeliveryDeps {
  now: () => Date;
  random: () => number;
  retrySchedule: readonly number[];
  policy: AddressPolicy;
  timeoutMs?: number;
  /** The HTTP call; tests may wrap it to inject faults. */
  post?: typeof postWebhook;
}

export type DeliveryResult =
  | { kind: 'delivered' }
  /** Failed; the queue shows the message again after this many seconds. */
  | { kind: 'retry'; inSeconds: number }
  /** Failed for the last time: the delivery is `failed` and the message goes to the dead-letter queue. */
  | { kind: 'exhausted' }
  /** Nothing to do (endpoint deleted, already delivered, …) or a manual attempt that failed. */
  | { kind: 'done'; reason: string };

/**
 * One attempt of one delivery: read the endpoint, the delivery record and the event (erased
 * data stays erased), sign with every current secret, POST, record the outcome. The same
 * function serves the SQS consumer on AWS and the in-process queue locally.
 */
export async function deliver(message: DeliveryMessage, deps: DeliveryDeps): Promise<DeliveryResult> {
  const [stored, record] = await Promise.all([
    findWebhookWithSecrets(message.webhookId),
    findDelivery(message.webhookId, message.eventId),
  ]);
  if (!stored) return { kind: 'done', reason: 'endpoint deleted' };
  const { endpoint } = stored;
  if (!record) return { kind: 'done', reason: 'no delivery record' };
  if (record.status === 'succeeded' && !message.manual) return { kind: 'done', reason: 'already delivered' };
  const now = deps.now();
  const event = await readEvent(record);
  const outcome: AttemptOutcome = !event
    ? { error: 'event no longer stored' }
    : endpoint.status === 'disabled' && !message.manual && event.target === undefined
      ? { error: 'endpoint disabled' }
      : await (deps.post ?? postWebhook)(
          endpoint.url,
          JSON.stringify(publicEvent(event)),
          signedHeaders(
            event.id,
            JSON.stringify(publicEvent(event)),
            signingSecrets(await openWebhookSecrets(endpoint.webhookId, stored.secrets), now),
            now,
          ),
          { policy: deps.policy, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) },
        );
  // Nothing to retry when the event is gone or the endpoint is switched off: fail at once (retry by hand later).
  const final = !event || ('error' in outcome && outcome.error === 'endpoint disabled');
  const schedule = message.manual || final ? [] : deps.retrySchedule;
  const { state, retryInSeconds } = afterAttempt(record, outcome, now, schedule, deps.random());
  // A manual attempt that fails leaves a delivery still on its schedule pending, with its next attempt.
  const kept =
    message.manual && state.status === 'failed' && record.status === 'pending' && record.nextAttemptAt
      ? { ...state, status: 'pending' as const, nextAttemptAt: record.nextAttemptAt }
      : state;
  await saveDeliveryState(message.webhookId, message.eventId, kept);
  if (kept.status === 'succeeded') return { kind: 'delivered' };
  if (retryInSeconds !== undefined) return { kind: 'retry', inSeconds: retryInSeconds };
  if (message.manual || final) return { kind: 'done', reason: 'failed' };
  return { kind: 'exhausted' };
}

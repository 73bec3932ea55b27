import { DomainError } from '@shared/domain/errors';
import { globalEvent, publicEvent, type EventType } from '@shared/domain/events';
import { rotateSecrets, type DeliveryStatus } from '@shared/domain/webhooks';
import { eventsConfig } from '@shared/delivery/config';
import { webhookUrlRefusal } from '@shared/delivery/http';
import { deliveryQueue } from '@shared/delivery/queue';
import { newWebhookSecret } from '@shared/delivery/signing';
import { newEventId, newWebhookId } from '@shared/ids';
import { eventWrites, readEvent, readEventFeed, toPublicEvents } from '@shared/store/items/event';
import { deliveryView, findDelivery, listDeliveries } from '@shared/store/items/delivery';
import {
  createWebhookWrites,
  deleteWebhookWrites,
  listWebhooks as listEndpoints,
  listWebhooksWithPlaintextSecrets,
  loadWebhook,
  loadWebhookWithSecrets,
  replaceWebhookWrite,
  webhookView,
  type WebhookEndpoint,
  type WebhookView,
} from '@shared/store/items/webhook';
import { openWebhookSecrets, sealedForm, sealWebhookSecrets } from '@shared/secrets/webhook-secrets';
import { commit } from '@shared/store/commit';
import { VersionConflictError } from '@shared/store/errors';
import { idempotencyKeyUsed } from './support/execute';
import { outcome, prepareThenDecide, type UseCase } from './support/outcome';

/** Webhook endpoints (admin) and the event feed: the use cases behind functions/events.ts. */

export type CreatedWebhook = WebhookView & { secret?: string };

/** SSRF rule at registration (delivery checks again at connect time): a 400 with the field's path. */
async function assertUrlAllowed(url: string): Promise<void> {
  const refusal = await webhookUrlRefusal(url, eventsConfig().policy);
  if (refusal)
    throw new DomainError('forbidden-webhook-url', `The webhook URL ${refusal}.`, [
      { path: 'body.url', message: refusal },
    ]);
}

export async function listEvents(
  query: { limit: number; after?: string | undefined; types?: EventType[] | undefined; memberId?: string | undefined },
  now: Date,
) {
  const page = await readEventFeed({
    limit: query.limit,
    ...(query.after ? { after: query.after } : {}),
    ...(query.types ? { types: query.types } : {}),
    ...(query.memberId ? { memberId: query.memberId } : {}),
    now,
    settleMs: eventsConfig().feedSettleMs,
  });
  return toPublicEvents(page);
}

export async function listWebhooks(): Promise<{ items: WebhookView[] }> {
  return { items: (await listEndpoints()).map(webhookView) };
}

export async function getWebhook(webhookId: string): Promise<WebhookView> {
  return webhookView(await loadWebhook(webhookId));
}

export async function listWebhookDeliveries(
  webhookId: string,
  query: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined },
) {
  await loadWebhook(webhookId);
  return listDeliveries(webhookId, {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
    ...(query.status ? { status: query.status } : {}),
  });
}

/**
 * One delivery and the event it sends, as `deliver` signs it (shared/delivery/delivery.ts): the
 * public form of the stored event, read now, so an erased member's event shows what is left.
 */
export async function getDelivery(webhookId: string, eventId: string) {
  const [, record] = await Promise.all([loadWebhook(webhookId), findDelivery(webhookId, eventId)]);
  if (!record) throw new DomainError('delivery-not-found', `No delivery of ${eventId} to ${webhookId}.`);
  const event = await readEvent(record);
  return { ...deliveryView(record), ...(event ? { payload: publicEvent(event) } : {}) };
}

/** Registers an endpoint. Its secret is shown once: a replay answers without it. */
export function createWebhook(request: {
  url: string;
  types: string[];
  description?: string | undefined;
}): UseCase<CreatedWebhook> {
  return async () => {
    await assertUrlAllowed(request.url);
    return async (at) => {
      const secret = newWebhookSecret();
      const webhookId = newWebhookId();
      const endpoint: WebhookEndpoint = {
        webhookId,
        url: request.url,
        types: request.types,
        ...(request.description ? { description: request.description } : {}),
        status: 'enabled',
        createdAt: at.toISOString(),
        revision: 1,
      };
      const sealed = await sealWebhookSecrets(webhookId, [{ secret }]);
      const view = webhookView(endpoint);
      return outcome<CreatedWebhook>(
        { ...view, secret },
        {
          writes: createWebhookWrites(endpoint, sealed),
          audit: {
            kind: 'webhook.created',
            target: `webhook:${endpoint.webhookId}`,
            summary: `Webhook ${endpoint.webhookId} created for ${endpoint.types.join(' ')}`,
          },
        },
        { replayResult: view },
      );
    };
  };
}

/** Changes url, types, description (null removes it) or status; conditioned on the revision read. */
export function patchWebhook(
  webhookId: string,
  request: {
    url?: string | undefined;
    types?: string[] | undefined;
    description?: string | null | undefined;
    status?: 'enabled' | 'disabled' | undefined;
  },
): UseCase<WebhookView> {
  return async () => {
    if (request.url !== undefined) await assertUrlAllowed(request.url);
    return async (at) => {
      const { endpoint, secrets } = await loadWebhookWithSecrets(webhookId);
      const { description: _description, ...rest } = endpoint;
      const description = request.description === undefined ? endpoint.description : (request.description ?? undefined);
      const next: WebhookEndpoint = {
        ...rest,
        ...(description ? { description } : {}),
        ...(request.url !== undefined ? { url: request.url } : {}),
        ...(request.types !== undefined ? { types: request.types } : {}),
        ...(request.status !== undefined ? { status: request.status } : {}),
        updatedAt: at.toISOString(),
      };
      const changed = Object.keys(request).filter((field) => request[field as keyof typeof request] !== undefined);
      return outcome(webhookView(next), {
        // Secrets stored in clear before sealing are sealed by this change.
        writes: [replaceWebhookWrite(next, await sealedForm(webhookId, secrets), endpoint.revision)],
        audit: {
          kind: 'webhook.updated',
          target: `webhook:${webhookId}`,
          summary: `Webhook ${webhookId} updated: ${changed.join(', ')}${request.status ? ` (${request.status})` : ''}`,
        },
      });
    };
  };
}

export function deleteWebhook(webhookId: string): UseCase<undefined> {
  return () => () =>
    outcome(undefined, {
      writes: deleteWebhookWrites(webhookId),
      audit: { kind: 'webhook.deleted', target: `webhook:${webhookId}`, summary: `Webhook ${webhookId} deleted` },
    });
}

/** A new secret, shown once; the old one keeps signing for the overlap (both signatures are sent). */
export function rotateWebhookSecret(webhookId: string): UseCase<{ secret?: string }> {
  return () => async (at) => {
    const { endpoint, secrets } = await loadWebhookWithSecrets(webhookId);
    const secret = newWebhookSecret();
    const rotated = rotateSecrets(await openWebhookSecrets(webhookId, secrets), secret, at);
    const next = { ...endpoint, updatedAt: at.toISOString() };
    return outcome<{ secret?: string }>(
      { secret },
      {
        writes: [replaceWebhookWrite(next, await sealWebhookSecrets(webhookId, rotated), endpoint.revision)],
        audit: {
          kind: 'webhook.secret-rotated',
          target: `webhook:${webhookId}`,
          summary: `Signing secret of webhook ${webhookId} rotated`,
        },
      },
      { replayResult: {} },
    );
  };
}

/** The test event goes through the whole pipeline (table → stream → fan-out → queue → delivery), to this endpoint only. */
export function testWebhook(webhookId: string): UseCase<{ eventId: string }> {
  return () => async (at) => {
    const endpoint = await loadWebhook(webhookId);
    const event = globalEvent(
      { type: 'webhook.test', data: { webhookId: endpoint.webhookId } },
      at.toISOString(),
      newEventId(),
      endpoint.webhookId,
    );
    return outcome({ eventId: event.id }, { writes: eventWrites([event]) });
  };
}

/**
 * One attempt now. The attempt is queued (the `prepare` step) before the idempotency record is
 * written: a crash in between means one attempt too many (deliveries are at least once), never an
 * acknowledged retry that never runs. A used key queues nothing and answers from its record.
 */
export function retryDelivery(webhookId: string, eventId: string): UseCase<{ eventId: string }> {
  return async (caller) => {
    if (await idempotencyKeyUsed(caller))
      return async () => outcome({ eventId: (await deliveryOf(webhookId, eventId)).eventId });
    return prepareThenDecide(
      () => queueManualAttempt(webhookId, eventId),
      (_now, queued) => outcome({ eventId: queued.eventId }),
    );
  };
}

async function deliveryOf(webhookId: string, eventId: string) {
  const record = await findDelivery(webhookId, eventId);
  if (!record) throw new DomainError('delivery-not-found', `No delivery of ${eventId} to ${webhookId}.`);
  return record;
}

/** The delivery's one manual attempt, queued: the delivery worker makes it. */
async function queueManualAttempt(webhookId: string, eventId: string) {
  const record = await deliveryOf(webhookId, eventId);
  await deliveryQueue().send([
    {
      webhookId: record.webhookId,
      eventId: record.eventId,
      ...(record.memberId !== undefined ? { memberId: record.memberId } : {}),
      ...(record.sequence !== undefined ? { sequence: record.sequence } : {}),
      manual: true,
    },
  ]);
  return record;
}

/**
 * The migration of endpoints stored before secrets were sealed: seals each one's secrets in clear,
 * conditioned on the revision read (an endpoint changed meanwhile was sealed by that change).
 * Running it again is safe: it only reads endpoints still in clear. On AWS it runs in the webhook
 * admin function (the one that may seal), invoked directly (infra/README.md); locally at start.
 */
export async function sealPlaintextWebhookSecrets(now: Date): Promise<{ sealed: number; changedMeanwhile: number }> {
  let sealed = 0;
  let changedMeanwhile = 0;
  for (const { endpoint, secrets } of await listWebhooksWithPlaintextSecrets()) {
    try {
      const write = replaceWebhookWrite(endpoint, await sealedForm(endpoint.webhookId, secrets), endpoint.revision);
      await commit({ members: [], writes: [write] }, undefined, now);
      sealed += 1;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      changedMeanwhile += 1;
    }
  }
  return { sealed, changedMeanwhile };
}

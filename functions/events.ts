import { DomainError } from '@shared/domain/errors';
import { globalEvent } from '@shared/domain/events';
import { rotateSecrets } from '@shared/domain/webhooks';
import { eventsConfig } from '@shared/events/config';
import { webhookUrlRefusal } from '@shared/events/http';
import { deliveryQueue } from '@shared/events/queue';
import { newWebhookSecret } from '@shared/events/signing';
import { apiFunction } from '@shared/http/api-function';
import { newEventId, newWebhookId } from '@shared/ids';
import { eventWrites, readEventFeed, toPublicEvents } from '@shared/store/events';
import { lookupIdempotency } from '@shared/store/idempotency';
import { replayFromRecord, runCommand } from '@shared/store/members';
import {
  createWebhookWrites,
  deleteWebhookWrites,
  findDelivery,
  listDeliveries,
  listWebhooks,
  loadWebhook,
  replaceWebhookWrite,
  webhookView,
  type WebhookEndpoint,
} from '@shared/store/webhooks';

const config = eventsConfig();

/** SSRF rule at registration (delivery checks again at connect time): a 400 with the field's path. */
async function assertUrlAllowed(url: string): Promise<void> {
  const refusal = await webhookUrlRefusal(url, config.policy);
  if (refusal)
    throw new DomainError('forbidden-webhook-url', `The webhook URL ${refusal}.`, [
      { path: 'body.url', message: refusal },
    ]);
}

export const handler = apiFunction('events', {
  listEvents: async ({ query, now }) => {
    const page = await readEventFeed({
      limit: query.limit,
      ...(query.after ? { after: query.after } : {}),
      ...(query.types ? { types: query.types } : {}),
      ...(query.memberId ? { memberId: query.memberId } : {}),
      now: now(),
      settleMs: config.feedSettleMs,
    });
    return { status: 200, body: toPublicEvents(page) };
  },

  createWebhook: async ({ body, idempotency, now }) => {
    await assertUrlAllowed(body.url);
    return runCommand(idempotency, now, (at) => {
      const secret = newWebhookSecret();
      const endpoint: WebhookEndpoint = {
        webhookId: newWebhookId(),
        url: body.url,
        types: body.types,
        ...(body.description ? { description: body.description } : {}),
        status: 'enabled',
        createdAt: at.toISOString(),
        secrets: [{ secret }],
        revision: 1,
      };
      const view = webhookView(endpoint);
      // The secret is shown once: a replay answers without it.
      return Promise.resolve({
        members: [],
        writes: createWebhookWrites(endpoint),
        response: { status: 201, body: { ...view, secret } },
        replayResponse: { status: 201, body: view },
      });
    });
  },

  listWebhooks: async () => {
    const endpoints = await listWebhooks();
    return { status: 200, body: { items: endpoints.map(webhookView) } };
  },

  getWebhook: async ({ params }) => ({ status: 200, body: webhookView(await loadWebhook(params.webhookId)) }),

  patchWebhook: async ({ params, body, now }) => {
    if (body.url !== undefined) await assertUrlAllowed(body.url);
    return runCommand(undefined, now, async (at) => {
      const endpoint = await loadWebhook(params.webhookId);
      const { description: _description, ...rest } = endpoint;
      const description = body.description === undefined ? endpoint.description : (body.description ?? undefined);
      const next: WebhookEndpoint = {
        ...rest,
        ...(description ? { description } : {}),
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.types !== undefined ? { types: body.types } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        updatedAt: at.toISOString(),
      };
      return {
        members: [],
        writes: [replaceWebhookWrite(next, endpoint.revision)],
        response: { status: 200, body: webhookView(next) },
      };
    });
  },

  deleteWebhook: async ({ params, idempotency, now }) =>
    runCommand(idempotency, now, () =>
      Promise.resolve({ members: [], writes: deleteWebhookWrites(params.webhookId), response: { status: 204 } }),
    ),

  rotateWebhookSecret: async ({ params, idempotency, now }) =>
    runCommand(idempotency, now, async (at) => {
      const endpoint = await loadWebhook(params.webhookId);
      const secret = newWebhookSecret();
      const next = { ...endpoint, secrets: rotateSecrets(endpoint.secrets, secret, at), updatedAt: at.toISOString() };
      return {
        members: [],
        writes: [replaceWebhookWrite(next, endpoint.revision)],
        response: { status: 200, body: { secret } },
        replayResponse: { status: 200, body: {} },
      };
    }),

  // The test event goes through the whole pipeline (table → stream → fan-out → queue → delivery), to this endpoint only.
  testWebhook: async ({ params, idempotency, now }) =>
    runCommand(idempotency, now, async (at) => {
      const endpoint = await loadWebhook(params.webhookId);
      const event = globalEvent(
        { type: 'webhook.test', data: { webhookId: endpoint.webhookId } },
        at.toISOString(),
        newEventId(),
        endpoint.webhookId,
      );
      return { members: [], writes: eventWrites([event]), response: { status: 202, body: { eventId: event.id } } };
    }),

  listDeliveries: async ({ params, query }) => {
    await loadWebhook(params.webhookId);
    const page = await listDeliveries(params.webhookId, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { status: 200, body: page };
  },

  /**
   * The attempt is queued before the idempotency record is written: a crash in between means
   * one attempt too many (deliveries are at least once), never an acknowledged retry that never runs.
   */
  retryDelivery: async ({ params, idempotency, now }) => {
    if (idempotency && (await lookupIdempotency(idempotency, now())).kind !== 'absent')
      return replayFromRecord(idempotency, now());
    return runCommand(idempotency, now, async () => {
      const record = await findDelivery(params.webhookId, params.eventId);
      if (!record)
        throw new DomainError('delivery-not-found', `No delivery of ${params.eventId} to ${params.webhookId}.`);
      await deliveryQueue().send([
        {
          webhookId: record.webhookId,
          eventId: record.eventId,
          ...(record.memberId !== undefined ? { memberId: record.memberId } : {}),
          ...(record.sequence !== undefined ? { sequence: record.sequence } : {}),
          manual: true,
        },
      ]);
      return { members: [], response: { status: 202, body: { eventId: record.eventId } } };
    });
  },
});

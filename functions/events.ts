import {
  createWebhook,
  deleteWebhook,
  getDelivery,
  getWebhook,
  listEvents,
  listWebhookDeliveries,
  listWebhooks,
  patchWebhook,
  retryDelivery,
  rotateWebhookSecret,
  sealPlaintextWebhookSecrets,
  testWebhook,
} from '@shared/app/webhooks';
import { apiFunction } from '@shared/http/api-function';
import { eventsRoutes } from '@shared/http/function-routes/events';

const api = apiFunction(eventsRoutes, {
  listEvents: async ({ query, now }) => ({ body: await listEvents(query, now()) }),

  createWebhook: async ({ body, respond }) => respond(createWebhook(body)),

  listWebhooks: async () => ({ body: await listWebhooks() }),

  getWebhook: async ({ params }) => ({ body: await getWebhook(params.webhookId) }),

  patchWebhook: async ({ params, body, respond }) => respond(patchWebhook(params.webhookId, body)),

  deleteWebhook: async ({ params, respond }) => respond(deleteWebhook(params.webhookId)),

  rotateWebhookSecret: async ({ params, respond }) => respond(rotateWebhookSecret(params.webhookId)),

  testWebhook: async ({ params, respond }) => respond(testWebhook(params.webhookId)),

  listDeliveries: async ({ params, query }) => ({
    body: await listWebhookDeliveries(params.webhookId, query),
  }),

  getDelivery: async ({ params }) => ({ body: await getDelivery(params.webhookId, params.eventId) }),

  retryDelivery: async ({ params, respond }) => respond(retryDelivery(params.webhookId, params.eventId)),
});

/** The migration's payload: `aws lambda invoke` sends it (infra/README.md); API Gateway never sends such an event. */
export const SEAL_SECRETS_MIGRATION = { migration: 'seal-webhook-secrets' } as const;

/**
 * The webhook routes, and one migration run by invoking the function directly: it is the function
 * that may seal secrets (the region's key refuses every other role).
 */
export async function handler(event: Parameters<typeof api>[0], context: Parameters<typeof api>[1]) {
  if ((event as { migration?: unknown }).migration === SEAL_SECRETS_MIGRATION.migration)
    return sealPlaintextWebhookSecrets(new Date());
  return api(event, context);
}

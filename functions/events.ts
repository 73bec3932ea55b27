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
import { respond } from '@shared/http/answers';

const api = apiFunction(eventsRoutes, {
  listEvents: async ({ query, now }) => ({ status: 200, body: await listEvents(query, now()) }),

  createWebhook: async ({ body, caller }) => respond('createWebhook', createWebhook(body), caller),

  listWebhooks: async () => ({ status: 200, body: await listWebhooks() }),

  getWebhook: async ({ params }) => ({ status: 200, body: await getWebhook(params.webhookId) }),

  patchWebhook: async ({ params, body, caller }) =>
    respond('patchWebhook', patchWebhook(params.webhookId, body), caller),

  deleteWebhook: async ({ params, caller }) => respond('deleteWebhook', deleteWebhook(params.webhookId), caller),

  rotateWebhookSecret: async ({ params, caller }) =>
    respond('rotateWebhookSecret', rotateWebhookSecret(params.webhookId), caller),

  testWebhook: async ({ params, caller }) => respond('testWebhook', testWebhook(params.webhookId), caller),

  listDeliveries: async ({ params, query }) => ({
    status: 200,
    body: await listWebhookDeliveries(params.webhookId, query),
  }),

  getDelivery: async ({ params }) => ({ status: 200, body: await getDelivery(params.webhookId, params.eventId) }),

  retryDelivery: async ({ params, caller }) =>
    respond('retryDelivery', retryDelivery(params.webhookId, params.eventId), caller),
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

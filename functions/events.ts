import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listEvents,
  listWebhookDeliveries,
  listWebhooks,
  patchWebhook,
  retryDelivery,
  rotateWebhookSecret,
  testWebhook,
} from '@shared/app/webhooks';
import { apiFunction } from '@shared/http/api-function';
import { eventsRoutes } from '@shared/http/function-routes/events';
import { respond } from '@shared/http/answers';

export const handler = apiFunction(eventsRoutes, {
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

  retryDelivery: async ({ params, caller }) =>
    respond('retryDelivery', retryDelivery(params.webhookId, params.eventId), caller),
});

import { answerNps } from '@shared/app/answer-nps';
import { latestSnapshot, listSnapshots } from '@shared/app/reads/catalog-reads';
import { recordAnonymousPurchase } from '@shared/app/record-purchase';
import { takeSnapshot } from '@shared/app/take-snapshot';
import { apiFunction } from '@shared/http/api-function';
import { insightsRoutes } from '@shared/http/function-routes/insights';

export const handler = apiFunction(insightsRoutes, {
  answerNps: async ({ params, body, respond }) => respond(answerNps(params.memberId, body)),

  recordPurchase: async ({ body, respond }) => respond(recordAnonymousPurchase(body)),

  createSnapshot: async ({ body, respond }) => respond(takeSnapshot({ window: body.window })),

  listSnapshots: async ({ query }) => ({ body: await listSnapshots(query) }),

  latestSnapshot: async () => ({ body: await latestSnapshot() }),
});

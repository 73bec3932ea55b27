import { answerNps } from '@shared/app/answer-nps';
import { latestSnapshot, listSnapshots } from '@shared/app/reads/catalog-reads';
import { recordAnonymousPurchase } from '@shared/app/record-purchase';
import { takeSnapshot } from '@shared/app/take-snapshot';
import { apiFunction } from '@shared/http/api-function';
import { insightsRoutes } from '@shared/http/function-routes/insights';
import { respond } from '@shared/http/answers';

export const handler = apiFunction(insightsRoutes, {
  answerNps: async ({ params, body, caller }) => respond('answerNps', answerNps(params.memberId, body), caller),

  recordPurchase: async ({ body, caller }) => respond('recordPurchase', recordAnonymousPurchase(body), caller),

  createSnapshot: async ({ body, caller }) => respond('createSnapshot', takeSnapshot({ window: body.window }), caller),

  listSnapshots: async ({ query }) => ({ status: 200, body: await listSnapshots(query) }),

  latestSnapshot: async () => ({ status: 200, body: await latestSnapshot() }),
});

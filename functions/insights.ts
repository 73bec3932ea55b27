import { apiFunction } from '@shared/http/api-function';
import { latestSnapshot, listSnapshots, takeSnapshot } from '@shared/store/metrics';
import { recordAnonymousPurchase } from '@shared/store/purchases';
import { answerNps } from '@shared/store/surveys';

export const handler = apiFunction('insights', {
  answerNps: async ({ params, body, caller }) => answerNps(params.memberId, body, caller),

  recordPurchase: async ({ body, caller }) => recordAnonymousPurchase(body, caller),

  createSnapshot: async ({ body, idempotency, now }) => takeSnapshot({ window: body.window }, { idempotency, now }),

  listSnapshots: async ({ query }) => ({ status: 200, body: await listSnapshots(query) }),

  latestSnapshot: async () => ({ status: 200, body: await latestSnapshot() }),
});

import { listRewards } from '@shared/app/catalog-reads';
import { putReward } from '@shared/app/put-reward';
import { apiFunction } from '@shared/http/api-function';
import { respond } from '@shared/http/answers';

export const handler = apiFunction('rewards', {
  listRewards: async ({ query, now }) => ({ status: 200, body: await listRewards(query.limit, query.cursor, now()) }),

  putReward: async ({ params, body, caller }) => respond('putReward', putReward(params.rewardId, body), caller),
});

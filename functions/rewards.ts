import { apiFunction } from '@shared/http/api-function';
import { listRewards, putReward } from '@shared/store/rewards';

export const handler = apiFunction('rewards', {
  listRewards: async ({ query, now }) => ({ status: 200, body: await listRewards(query.limit, query.cursor, now()) }),

  putReward: async ({ params, body, now }) => putReward(params.rewardId, body, now),
});

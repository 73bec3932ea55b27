import { adjustBalance } from '@shared/app/adjust-balance';
import { earnPoints } from '@shared/app/earn-points';
import { previewEarn } from '@shared/app/reads/preview-earn';
import { redeemPoints } from '@shared/app/redeem-points';
import { redeemReward } from '@shared/app/redeem-reward';
import { apiFunction } from '@shared/http/api-function';
import { pointsRoutes } from '@shared/http/function-routes/points';

export const handler = apiFunction(pointsRoutes, {
  earnPoints: async ({ params, body, respond }) => respond(earnPoints(params.memberId, body)),

  previewEarn: async ({ params, body, now }) => ({
    body: await previewEarn(params.memberId, body, now()),
  }),

  adjustBalance: async ({ params, body, respond }) => respond(adjustBalance(params.memberId, body)),

  redeemPoints: async ({ params, body, respond }) =>
    respond('rewardId' in body ? redeemReward(params.memberId, body) : redeemPoints(params.memberId, body)),
});

import { adjustBalance } from '@shared/app/adjust-balance';
import { earnPoints } from '@shared/app/earn-points';
import { previewEarn } from '@shared/app/reads/preview-earn';
import { redeemPoints } from '@shared/app/redeem-points';
import { redeemReward } from '@shared/app/redeem-reward';
import { apiFunction } from '@shared/http/api-function';
import { pointsRoutes } from '@shared/http/function-routes/points';
import { respond } from '@shared/http/answers';

export const handler = apiFunction(pointsRoutes, {
  earnPoints: async ({ params, body, caller }) => respond('earnPoints', earnPoints(params.memberId, body), caller),

  previewEarn: async ({ params, body, now }) => ({
    status: 200,
    body: await previewEarn(params.memberId, body, now()),
  }),

  adjustBalance: async ({ params, body, caller }) =>
    respond('adjustBalance', adjustBalance(params.memberId, body), caller),

  redeemPoints: async ({ params, body, caller }) =>
    respond(
      'redeemPoints',
      'rewardId' in body ? redeemReward(params.memberId, body) : redeemPoints(params.memberId, body),
      caller,
    ),
});

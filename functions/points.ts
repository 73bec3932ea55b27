import { apiFunction } from '@shared/http/api-function';
import { earnPoints, redeemPoints } from '@shared/store/points';
import { redeemReward } from '@shared/store/rewards';

export const handler = apiFunction('points', {
  earnPoints: async ({ params, body, caller }) => earnPoints(params.memberId, body, caller),

  redeemPoints: async ({ params, body, caller }) =>
    'rewardId' in body ? redeemReward(params.memberId, body, caller) : redeemPoints(params.memberId, body, caller),
});

import { earnPoints } from '@shared/app/earn-points';
import { redeemPoints } from '@shared/app/redeem-points';
import { redeemReward } from '@shared/app/redeem-reward';
import { apiFunction } from '@shared/http/api-function';
import { respond } from '@shared/http/answers';

export const handler = apiFunction('points', {
  earnPoints: async ({ params, body, caller }) => respond('earnPoints', earnPoints(params.memberId, body), caller),

  redeemPoints: async ({ params, body, caller }) =>
    respond(
      'redeemPoints',
      'rewardId' in body ? redeemReward(params.memberId, body) : redeemPoints(params.memberId, body),
      caller,
    ),
});

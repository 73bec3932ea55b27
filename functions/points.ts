import { apiFunction } from '@shared/http/api-function';
import { earnPoints, redeemPoints } from '@shared/store/points';
import { redeemReward } from '@shared/store/rewards';

export const handler = apiFunction('points', {
  earnPoints: async ({ params, body, principal, idempotency, now }) => earnPoints(params.memberId, body, { partnerId: principal.partnerId, idempotency, now }),

  redeemPoints: async ({ params, body, principal, idempotency, now }) => {
    const caller = { partnerId: principal.partnerId, idempotency, now };
    return 'rewardId' in body ? redeemReward(params.memberId, body, caller) : redeemPoints(params.memberId, body, caller);
  },
});

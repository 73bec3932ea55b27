import { apiFunction } from '@shared/http/api-function';
import { creditCashback, redeemCashback, refundOrder } from '@shared/store/cashback';

export const handler = apiFunction('cashback', {
  creditCashback: async ({ params, body, caller }) => creditCashback(params.memberId, body, caller),

  redeemCashback: async ({ params, body, caller }) => redeemCashback(params.memberId, body, caller),

  refundPurchase: async ({ params, body, caller }) => refundOrder(params.memberId, body, caller),
});

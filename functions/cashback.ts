import { creditCashback } from '@shared/app/credit-cashback';
import { redeemCashback } from '@shared/app/redeem-cashback';
import { refundOrder } from '@shared/app/refund-order';
import { apiFunction } from '@shared/http/api-function';
import { cashbackRoutes } from '@shared/http/function-routes/cashback';

export const handler = apiFunction(cashbackRoutes, {
  creditCashback: async ({ params, body, respond }) => respond(creditCashback(params.memberId, body)),

  redeemCashback: async ({ params, body, respond }) => respond(redeemCashback(params.memberId, body)),

  refundPurchase: async ({ params, body, respond }) => respond(refundOrder(params.memberId, body)),
});

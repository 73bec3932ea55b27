import { creditCashback } from '@shared/app/credit-cashback';
import { redeemCashback } from '@shared/app/redeem-cashback';
import { refundOrder } from '@shared/app/refund-order';
import { apiFunction } from '@shared/http/api-function';
import { cashbackRoutes } from '@shared/http/function-routes/cashback';
import { respond } from '@shared/http/answers';

export const handler = apiFunction(cashbackRoutes, {
  creditCashback: async ({ params, body, caller }) =>
    respond('creditCashback', creditCashback(params.memberId, body), caller),

  redeemCashback: async ({ params, body, caller }) =>
    respond('redeemCashback', redeemCashback(params.memberId, body), caller),

  refundPurchase: async ({ params, body, caller }) =>
    respond('refundPurchase', refundOrder(params.memberId, body), caller),
});

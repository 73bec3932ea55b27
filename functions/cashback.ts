import { apiFunction } from '@shared/http/api-function';
import { creditCashback, redeemCashback, refundOrder } from '@shared/store/cashback';

export const handler = apiFunction('cashback', {
  creditCashback: async ({ params, body, principal, idempotency, now }) => creditCashback(params.memberId, body, { partnerId: principal.partnerId, idempotency, now }),

  redeemCashback: async ({ params, body, principal, idempotency, now }) => redeemCashback(params.memberId, body, { partnerId: principal.partnerId, idempotency, now }),

  refundPurchase: async ({ params, body, principal, idempotency, now }) => refundOrder(params.memberId, body, { partnerId: principal.partnerId, idempotency, now }),
});

import { CashbackRedeemRequest, CashbackRequest, RefundRequest, Transaction } from '@shared/schemas/members';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

/** The routes of the `cashback` function (see ../routes.ts, which assembles every function's). */
export const cashbackRoutes = {
  creditCashback: {
    method: 'POST',
    path: '/v1/members/{memberId}/cashback',
    fn: 'cashback',
    scope: 'cashback:write',
    summary: 'Credit cashback for a purchase (pending during the hold period)',
    description:
      "Credits the member's tier cashback rate of a purchase; it stays pending for the program's hold period, then becomes available. Once per orderId.",
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: { orderId: 'till-7:2026-11-22:0042', amount: { value: 4250, currency: 'EUR' } },
    params: MemberParams,
    body: CashbackRequest,
    responses: { 201: Transaction },
  },
  redeemCashback: {
    method: 'POST',
    path: '/v1/members/{memberId}/cashback/redeem',
    fn: 'cashback',
    scope: 'cashback:write',
    summary: 'Spend available cashback',
    description: 'Spends available cashback (never pending cashback, never below zero).',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'insufficient-cashback', 'negative-balance'],
    example: { amount: { value: 300, currency: 'EUR' } },
    params: MemberParams,
    body: CashbackRedeemRequest,
    responses: { 201: Transaction },
  },
  refundPurchase: {
    method: 'POST',
    path: '/v1/members/{memberId}/refunds',
    fn: 'cashback',
    scope: 'points:earn',
    summary: 'Refund an order: take back what it no longer earns',
    description:
      'Refunds part or all of an order, by amount or by lines. An order earned with a basket (or under basket rules) is recomputed: ' +
      'what the remaining basket would have earned under the same program version and the member as it was is compared with what ' +
      'the order earned, and the difference is taken back (breakdown by rule; budgets get their points back). Other orders give back ' +
      'their points and cashback in proportion to the amount, up to what the order earned.',
    errors: [
      'member-not-found',
      'member-erased',
      'currency-mismatch',
      'order-not-found',
      'refund-exceeds-order',
      'unknown-order-line',
      'refund-mismatch',
      'program-version-not-found',
    ],
    example: { orderId: 'till-7:2026-11-22:0042', amount: { value: 1000, currency: 'EUR' } },
    params: MemberParams,
    body: RefundRequest,
    responses: { 201: Transaction },
  },
} as const satisfies Record<string, RouteDefinition>;

import { AdjustmentRequest, EarnPreview, EarnRequest, RedeemRequest, Transaction } from '@shared/schemas/members';
import { Redemption } from '@shared/schemas/codes';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

/** The routes of the `points` function (see ../routes.ts, which assembles every function's). */
export const pointsRoutes = {
  earnPoints: {
    method: 'POST',
    path: '/v1/members/{memberId}/earn',
    fn: 'points',
    scope: 'points:earn',
    summary: 'Earn points for a purchase',
    description:
      'Credits the points a purchase earns under the program in force (base, tier, promotions, bonuses, basket rules; rounded down), once per orderId. occurredAt may be up to 90 days back and 5 minutes ahead. With lines, tenders, channel and storeId the rules see the basket; without, the order total alone.',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: {
      orderId: 'till-7:2026-11-22:0042',
      amount: { value: 4250, currency: 'EUR' },
      channel: 'pos',
      storeId: 'paris-11',
      lines: [
        {
          lineId: '1',
          sku: 'tee-blue-m',
          categories: ['clothing'],
          quantity: 2,
          amount: { value: 3000, currency: 'EUR' },
        },
        {
          lineId: '2',
          sku: 'gift-card-25',
          categories: ['gift-cards'],
          quantity: 1,
          amount: { value: 1250, currency: 'EUR' },
        },
      ],
      tenders: [{ type: 'card', amount: { value: 4250, currency: 'EUR' } }],
    },
    params: MemberParams,
    body: EarnRequest,
    responses: { 201: Transaction },
  },
  previewEarn: {
    method: 'POST',
    path: '/v1/members/{memberId}/earn/preview',
    fn: 'points',
    scope: 'points:earn',
    summary: 'What an earn would credit now, with nothing written',
    description:
      'The earn body; runs the same rules as the earn (and refuses alike: a duplicate order is a 409). ' +
      'Writes nothing, so no Idempotency-Key is needed.',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: { orderId: 'till-7:2026-11-22:0044', amount: { value: 4250, currency: 'EUR' } },
    params: MemberParams,
    body: EarnRequest,
    idempotencyKey: 'none',
    responses: { 200: EarnPreview },
  },
  adjustBalance: {
    method: 'POST',
    path: '/v1/members/{memberId}/adjustments',
    fn: 'points',
    scope: 'points:adjust',
    summary: 'Correct points or cashback by hand, with a reason',
    description:
      'One `adjustment` ledger entry with the reason, your reference and the calling partner. A debit never takes ' +
      'a balance below zero (409 insufficient-points / insufficient-cashback). Points credited by adjustment are ' +
      "capped per partner per UTC day (the region's `adjustmentDailyPointsCap`, default 1,000,000): a credit past " +
      'it is 409 adjustment-budget-exceeded, nothing written (retrying the same request the next day is a new request).',
    errors: [
      'member-not-found',
      'member-erased',
      'currency-mismatch',
      'insufficient-points',
      'insufficient-cashback',
      'adjustment-budget-exceeded',
    ],
    example: { points: 250, reason: 'Goodwill: late delivery', reference: 'ticket-4711' },
    params: MemberParams,
    body: AdjustmentRequest,
    responses: { 201: Transaction },
  },
  redeemPoints: {
    method: 'POST',
    path: '/v1/members/{memberId}/redeem',
    fn: 'points',
    scope: 'points:redeem',
    summary: 'Redeem points or a reward',
    description:
      'Spends points: a number of points, or a reward of the catalog at its cost (stock, availability window and minimum tier apply), ' +
      'or points given to a donation reward (`{ rewardId, points }`, at least its pointsCost). A code reward answers the code issued ' +
      '(charged at use: the points are reserved, the entry is 0 points). Never takes the balance below zero.',
    errors: [
      'member-not-found',
      'member-erased',
      'insufficient-points',
      'negative-balance',
      'reward-not-found',
      'reward-out-of-stock',
      'reward-not-available',
      'tier-too-low',
      'not-eligible',
      'donation-below-minimum',
      'not-a-donation',
    ],
    example: { points: 500, orderId: 'till-7:2026-11-22:0043' },
    params: MemberParams,
    body: RedeemRequest,
    responses: { 201: Redemption },
  },
} as const satisfies Record<string, RouteDefinition>;

import * as z from 'zod';
import { page, PageQuery } from '@shared/schemas/common';
import { Member, MemberExport, Transaction } from '@shared/schemas/members';
import { MePatchRequest, MemberReward, MeRedeemRequest } from '@shared/schemas/me';
import { Code, MemberCodesQuery, Redemption } from '@shared/schemas/codes';
import { BoughtEntries, BuyEntriesRequest, MemberRaffle, RaffleId } from '@shared/schemas/raffles';
import type { RouteDefinition } from '../route-definition';
import { pointsRoutes } from './points';
import { rewardsRoutes } from './rewards';

/**
 * The routes of the `me` function: a member's own app, with a member session token (scope `me`:
 * no key may call them, and a member token may call nothing else). Each is the partner route's use
 * case with the member taken from the token, never from the path.
 */
export const meRoutes = {
  getMe: {
    method: 'GET',
    path: '/v1/me',
    fn: 'me',
    scope: 'me',
    summary: 'The member of the session, with balances and tier',
    description: 'What GET /v1/members/{memberId} answers, for the member the token acts for.',
    errors: ['member-not-found', 'member-erased'],
    responses: { 200: Member },
  },
  listMyTransactions: {
    method: 'GET',
    path: '/v1/me/transactions',
    fn: 'me',
    scope: 'me',
    summary: "The member's ledger, newest first",
    description: 'The ledger entries of the member the token acts for, newest first, a page at a time.',
    errors: ['member-not-found', 'member-erased'],
    query: PageQuery,
    responses: { 200: page(Transaction, 'MyTransactionPage') },
  },
  listMyRewards: {
    method: 'GET',
    path: '/v1/me/rewards',
    fn: 'me',
    scope: 'me',
    summary: 'The catalog, each reward eligible and affordable or not',
    description:
      'The rewards available now, in rewardId order, each with `eligible` (the member may redeem it now: tier, stock) and `affordable` (their spendable points cover it).',
    errors: ['member-not-found', 'member-erased'],
    query: PageQuery,
    responses: { 200: page(MemberReward, 'MemberRewardPage') },
  },
  redeemMyReward: {
    method: 'POST',
    path: '/v1/me/redeem',
    fn: 'me',
    scope: 'me',
    summary: 'Redeem a reward of the catalog',
    description:
      "Spends the reward's cost in points and a unit of its stock (the same rules as POST /v1/members/{memberId}/redeem with a rewardId). Idempotency-Key required.",
    // Redeeming a reward refuses as the partner route does.
    errors: pointsRoutes.redeemPoints.errors,
    example: { rewardId: 'espresso-cup' },
    body: MeRedeemRequest,
    // A code reward answers the code issued with the entry, as the partner route does.
    responses: { 201: Redemption },
  },
  listMyCodes: {
    method: 'GET',
    path: '/v1/me/codes',
    fn: 'me',
    scope: 'me',
    summary: "The member's reward codes, newest first",
    description:
      'What GET /v1/members/{memberId}/codes answers, for the member the token acts for: the codes to show at ' +
      'the till, optionally of one status (`?status=`); an issued code past expiresAt shows as expired.',
    errors: ['member-not-found', 'member-erased'],
    query: MemberCodesQuery,
    responses: { 200: page(Code, 'MyCodePage') },
  },
  listMyRaffles: {
    method: 'GET',
    path: '/v1/me/raffles',
    fn: 'me',
    scope: 'me',
    summary: "The member's raffles: entries held and prizes won",
    description: 'The raffles the member holds entries in, with the prize units won, in raffleId order.',
    errors: ['member-not-found', 'member-erased'],
    query: PageQuery,
    responses: { 200: page(MemberRaffle, 'MyRafflePage') },
  },
  buyMyRaffleEntries: {
    method: 'POST',
    path: '/v1/me/raffles/{raffleId}/entries',
    fn: 'me',
    scope: 'me',
    summary: 'Buy raffle entries with points',
    description:
      'The same rules as POST /v1/members/{memberId}/raffles/{raffleId}/entries, for the member the token acts for.',
    errors: rewardsRoutes.buyRaffleEntries.errors,
    example: { count: 1 },
    params: z.strictObject({ raffleId: RaffleId }),
    body: BuyEntriesRequest,
    responses: { 201: BoughtEntries },
  },
  updateMe: {
    method: 'PATCH',
    path: '/v1/me',
    fn: 'me',
    scope: 'me',
    summary: 'Change their own name or consent (JSON merge patch)',
    description:
      'Only `name` and `consent`: any other field is a 400 and changes nothing. Consent changes are recorded with time and the partner that created the session. Idempotency-Key is optional.',
    errors: ['member-not-found', 'member-erased'],
    example: { consent: { marketing: false } },
    body: MePatchRequest,
    idempotencyKey: 'optional',
    responses: { 200: Member },
  },
  exportMe: {
    method: 'GET',
    path: '/v1/me/export',
    fn: 'me',
    scope: 'me',
    summary: 'Everything stored about the member (right of access)',
    description: 'What GET /v1/members/{memberId}/export answers, for the member the token acts for.',
    errors: ['member-not-found', 'member-erased'],
    responses: { 200: MemberExport },
  },
} as const satisfies Record<string, RouteDefinition>;

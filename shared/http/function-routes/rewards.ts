import * as z from 'zod';
import { page, PageQuery, RewardId } from '@shared/schemas/common';
import { MemberId } from '@shared/schemas/members';
import { PutRewardRequest, Reward } from '@shared/schemas/admin';
import {
  BoughtEntries,
  BuyEntriesRequest,
  MemberRaffle,
  PutRaffleRequest,
  Raffle,
  RaffleEntries,
  RaffleId,
} from '@shared/schemas/raffles';
import type { RouteDefinition } from '../route-definition';
import { campaignRoutes } from './campaigns';
import { MemberParams } from './params';

const RaffleParams = z.strictObject({ raffleId: RaffleId });

/** The routes of the `rewards` function (see ../routes.ts, which assembles every function's). */
export const rewardsRoutes = {
  ...campaignRoutes,
  listRewards: {
    method: 'GET',
    path: '/v1/rewards',
    fn: 'rewards',
    scope: 'members:read',
    summary: 'Active rewards of the catalog',
    description: "The catalog's active rewards in rewardId order, a page at a time.",
    errors: [],
    query: PageQuery,
    responses: { 200: page(Reward, 'RewardPage') },
  },
  putReward: {
    method: 'PUT',
    path: '/v1/admin/rewards/{rewardId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Create or replace a reward',
    description:
      'Creates (201) or replaces (200) a reward: cost, stock, availability window, minimum tier, segments it is limited to.',
    errors: ['unknown-tier', 'unknown-segment'],
    example: { name: 'Espresso cup', pointsCost: 1200, stock: 50 },
    params: z.strictObject({ rewardId: RewardId }),
    body: PutRewardRequest,
    responses: { 200: Reward, 201: Reward },
  },

  putRaffle: {
    method: 'PUT',
    path: '/v1/admin/raffles/{raffleId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Create or replace a raffle (only its name may change once it opened)',
    description:
      'Creates (201) or replaces (200) a raffle: its window, how entries are earned (per purchase amount, bought with points, a cap per member), prizes and minimum tier. Once it opens only the name may change. Publishes seedHash, the SHA-256 of a secret seed revealed by the draw.',
    errors: ['currency-mismatch', 'unknown-tier', 'raffle-rules-locked', 'raffle-limit'],
    example: {
      name: 'Summer raffle',
      opensAt: '2026-07-01T00:00:00.000Z',
      closesAt: '2026-08-01T00:00:00.000Z',
      entries: { perAmount: { value: 2000, currency: 'EUR' }, pointsPerEntry: 100, maxPerMember: 20 },
      prizes: [{ prizeId: 'bike', name: 'City bike', quantity: 1 }],
    },
    params: RaffleParams,
    body: PutRaffleRequest,
    responses: { 200: Raffle, 201: Raffle },
  },
  listRaffles: {
    method: 'GET',
    path: '/v1/raffles',
    fn: 'rewards',
    scope: 'members:read',
    summary: 'Raffles open now and raffles drawn',
    description: 'The raffles open now and those already drawn, in raffleId order, a page at a time.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(Raffle, 'RafflePage') },
  },
  getRaffle: {
    method: 'GET',
    path: '/v1/raffles/{raffleId}',
    fn: 'rewards',
    scope: 'members:read',
    summary: 'A raffle with seedHash; after the draw its seed and winners',
    description:
      'A raffle with its rules and seedHash; once drawn, also its seed and winners so that anyone can check the draw.',
    errors: ['raffle-not-found'],
    params: RaffleParams,
    responses: { 200: Raffle },
  },
  buyRaffleEntries: {
    method: 'POST',
    path: '/v1/members/{memberId}/raffles/{raffleId}/entries',
    fn: 'rewards',
    scope: 'points:redeem',
    summary: 'Buy raffle entries with points (a redeem entry with raffleId)',
    description:
      "Buys entries with points (a redeem ledger entry naming the raffle). Refused when the raffle is not open, takes no points, the member's tier is too low, the entries would pass maxPerMember, or the points do not suffice.",
    errors: [
      'member-not-found',
      'member-erased',
      'raffle-not-found',
      'raffle-not-open',
      'raffle-points-not-accepted',
      'tier-too-low',
      'raffle-entry-limit',
      'insufficient-points',
      'negative-balance',
    ],
    example: { count: 3 },
    params: z.strictObject({ memberId: MemberId, raffleId: RaffleId }),
    body: BuyEntriesRequest,
    responses: { 201: BoughtEntries },
  },
  listMemberRaffles: {
    method: 'GET',
    path: '/v1/members/{memberId}/raffles',
    fn: 'rewards',
    scope: 'members:read',
    summary: "A member's raffles: entries held and prizes won",
    description: 'The raffles the member holds entries in, with the prize units won, in raffleId order.',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    query: PageQuery,
    responses: { 200: page(MemberRaffle, 'MemberRafflePage') },
  },
  drawRaffle: {
    method: 'POST',
    path: '/v1/admin/raffles/{raffleId}/draw',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Draw the winners once, from closesAt on (again: the first draw)',
    description:
      'Draws the winners from the revealed seed (deterministic, verifiable); only from closesAt on. Drawing again answers the first draw.',
    errors: ['raffle-not-found', 'raffle-not-closed'],
    params: RaffleParams,
    responses: { 201: Raffle },
  },
  listRaffleEntries: {
    method: 'GET',
    path: '/v1/admin/raffles/{raffleId}/entries',
    fn: 'rewards',
    scope: 'admin',
    summary: "Every member's entries in memberId order: what a verifier needs",
    description:
      "Every member's entry count in memberId order: with the seed, what a verifier needs to recompute the winners.",
    errors: ['raffle-not-found'],
    params: RaffleParams,
    query: PageQuery,
    responses: { 200: page(RaffleEntries, 'RaffleEntriesPage') },
  },
} as const satisfies Record<string, RouteDefinition>;

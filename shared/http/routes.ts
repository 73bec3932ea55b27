import { z } from 'zod';
import type { DomainErrorCode } from '@shared/domain/errors';
import { PageQuery } from '@shared/schemas/common';
import {
  CashbackRedeemRequest,
  CashbackRequest,
  CreateMemberRequest,
  AdjustmentRequest,
  EarnPreview,
  EarnRequest,
  Member,
  MemberLookupQuery,
  MemberPatchRequest,
  MemberExport,
  MemberId,
  NpsRequest,
  PurchaseRequest,
  RedeemRequest,
  RefundRequest,
  Transaction,
  TransactionParams,
} from '@shared/schemas/members';
import {
  CreatePartnerRequest,
  CreatedPartner,
  CreateSnapshotRequest,
  JobName,
  JobRun,
  JobStarted,
  PartnerId,
  PartnerSummary,
  PutRewardRequest,
  RotatedKey,
  Reward,
  Snapshot,
  SnapshotQuery,
  type Scope,
} from '@shared/schemas/admin';
import { Program, ProgramUpdate } from '@shared/schemas/program';
import {
  BoughtEntries,
  BuyEntriesRequest,
  MemberRaffle,
  PutRaffleRequest,
  Raffle,
  RaffleEntries,
  RaffleId,
} from '@shared/schemas/raffles';
import { RewardId } from '@shared/schemas/common';
import { page } from '@shared/schemas/common';
import {
  Accepted,
  CreatedWebhook,
  CreateWebhookRequest,
  DeliveriesQuery,
  Delivery,
  DeliveryParams,
  EventPage,
  EventsQuery,
  PatchWebhookRequest,
  RotatedSecret,
  Webhook,
  WebhookParams,
} from '@shared/schemas/events';

/**
 * The one route table. The CDK stack makes one Lambda function per `fn` and one API
 * Gateway method per route; the local server dispatches with the same table; the
 * OpenAPI document is generated from it. Nothing else declares a route.
 */
export const functionNames = ['members', 'points', 'cashback', 'rewards', 'insights', 'admin', 'events'] as const;
export type FunctionName = (typeof functionNames)[number];
/**
 * Every Lambda entry point of functions/ (file name without .ts): the route functions, the
 * public one (health, OpenAPI, 404/405), the authorizer and the scheduled jobs. The stack,
 * the local server and the bundling test all take the list from here.
 */
export const entryPoints = [
  ...functionNames,
  'public',
  'authorizer',
  'metrics-job',
  'expiry-job',
  'time-changes-job',
  'event-fanout',
  'webhook-delivery',
] as const;
export type EntryName = (typeof entryPoints)[number];
export type RouteScope = Scope | 'admin' | 'public';

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  scope: RouteScope;
  summary: string;
  /**
   * The Idempotency-Key header: required on POST and DELETE, absent elsewhere, unless the
   * route says otherwise (`optional`: PATCH; `none`: a POST that writes nothing, like a preview).
   */
  idempotencyKey?: 'optional' | 'none';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Partial<Record<200 | 201 | 202 | 204, z.ZodType | null>>;
  /** What the operation does and when it refuses, for the document (the summary is its title). */
  description?: string;
  /**
   * The business-rule refusals (DomainError codes) its use case can raise. The document lists
   * their statuses and problem types beside the ones every route of its kind can answer.
   */
  errors?: readonly DomainErrorCode[];
  /** A request body the server accepts, shown in the document (checked against the schema by a test). */
  example?: unknown;
  /** Response headers of the success answer besides the protocol's (X-Request-Id, Idempotent-Replayed). */
  headers?: readonly 'ETag'[];
}

const MemberParams = z.strictObject({ memberId: MemberId });
const PartnerParams = z.strictObject({ partnerId: PartnerId });
const TransactionPage = page(Transaction, 'TransactionPage');
const RaffleParams = z.strictObject({ raffleId: RaffleId });

export const routes = {
  createMember: {
    method: 'POST',
    path: '/v1/members',
    fn: 'members',
    scope: 'members:write',
    summary: 'Enrol a member (sign-up and referral bonuses in the same write)',
    description:
      'Enrols a member with consent and optional profile; the sign-up bonus, and with a referral code the referral bonuses of both members, are posted in the same write. An externalId can be enrolled once.',
    errors: ['unknown-referral-code', 'external-id-taken'],
    example: {
      externalId: 'crm-1042',
      email: 'ada@example.com',
      name: 'Ada',
      consent: { marketing: true, analytics: false },
    },
    body: CreateMemberRequest,
    responses: { 201: Member },
  },
  getMember: {
    method: 'GET',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'members:read',
    summary: 'A member with balances and tier',
    description:
      "The member's profile, consent, tier with progress to the next one, points and cashback balances. An erased member answers 409.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 200: Member },
  },
  listTransactions: {
    method: 'GET',
    path: '/v1/members/{memberId}/transactions',
    fn: 'members',
    scope: 'members:read',
    summary: "A member's ledger, newest first",
    description:
      "The member's ledger entries, newest first, a page at a time; pass nextCursor back as cursor. A cursor only pages the member and list it was made for.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    query: PageQuery,
    responses: { 200: TransactionPage },
  },
  exportMember: {
    method: 'GET',
    path: '/v1/members/{memberId}/export',
    fn: 'members',
    scope: 'members:read',
    summary: 'Everything stored about a member (right of access)',
    description:
      'Everything stored about the member: profile, consent, the whole ledger, orders with refunds and NPS answers (right of access).',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 200: MemberExport },
  },
  findMembers: {
    method: 'GET',
    path: '/v1/members',
    fn: 'members',
    scope: 'members:read',
    summary: 'Find members by externalId or email',
    description:
      'Exactly one filter: `externalId` matches 0 or 1 member, `email` is matched case-insensitively and may match ' +
      'several. Each is one read of a claim item. No filter, or both, is a 400.',
    errors: [],
    query: MemberLookupQuery,
    responses: { 200: page(Member, 'MemberPage') },
  },
  updateMember: {
    method: 'PATCH',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'members:write',
    summary: "Change a member's profile or consent (JSON merge patch)",
    description:
      'Content-Type application/merge-patch+json or application/json. An absent field stays, a value replaces it, ' +
      '`null` removes it. A taken `externalId` is a 409 `external-id-taken` naming the member that holds it. ' +
      'Consent changes are recorded with time and partner and shown in the export. Idempotency-Key is optional.',
    errors: ['member-not-found', 'member-erased', 'external-id-taken'],
    example: { name: 'Ada Lovelace', birthday: null, consent: { marketing: false } },
    params: MemberParams,
    body: MemberPatchRequest,
    idempotencyKey: 'optional',
    responses: { 200: Member },
  },
  getTransaction: {
    method: 'GET',
    path: '/v1/members/{memberId}/transactions/{transactionId}',
    fn: 'members',
    scope: 'members:read',
    summary: 'One ledger entry of a member',
    description: "One entry of the member's ledger by its transactionId; 404 when the member has no such entry.",
    errors: ['member-not-found', 'member-erased', 'transaction-not-found'],
    params: TransactionParams,
    responses: { 200: Transaction },
  },
  eraseMember: {
    method: 'DELETE',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'admin',
    summary: 'Erase personal data; ledger amounts stay, unlinked',
    description:
      "Removes the member's personal data; ledger amounts stay for the accounts, unlinked from the person. Later calls about the member answer 409 member-erased.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 204: null },
  },

  earnPoints: {
    method: 'POST',
    path: '/v1/members/{memberId}/earn',
    fn: 'points',
    scope: 'points:earn',
    summary: 'Earn points for a purchase',
    description:
      'Credits the points a purchase earns under the program in force (base, tier, promotions, bonuses; rounded down), once per orderId. occurredAt may be up to 90 days back and 5 minutes ahead.',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: { orderId: 'till-7:2026-11-22:0042', amount: { value: 4250, currency: 'EUR' } },
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
      'a balance below zero (409 insufficient-points / insufficient-cashback).',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'insufficient-points', 'insufficient-cashback'],
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
      'Spends points: a number of points, or a reward of the catalog at its cost (stock, availability window and minimum tier apply). Never takes the balance below zero.',
    errors: [
      'member-not-found',
      'member-erased',
      'insufficient-points',
      'negative-balance',
      'reward-not-found',
      'reward-out-of-stock',
      'reward-not-available',
      'tier-too-low',
    ],
    example: { points: 500, orderId: 'till-7:2026-11-22:0043' },
    params: MemberParams,
    body: RedeemRequest,
    responses: { 201: Transaction },
  },

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
    summary: 'Refund an order: reverse its points and cashback in proportion',
    description:
      'Refunds part or all of an order: takes back its points and cashback in proportion to the amount, up to what the order earned.',
    errors: ['member-not-found', 'member-erased', 'currency-mismatch', 'order-not-found', 'refund-exceeds-order'],
    example: { orderId: 'till-7:2026-11-22:0042', amount: { value: 1000, currency: 'EUR' } },
    params: MemberParams,
    body: RefundRequest,
    responses: { 201: Transaction },
  },

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
    description: 'Creates (201) or replaces (200) a reward: cost, stock, availability window, minimum tier.',
    errors: ['unknown-tier'],
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

  answerNps: {
    method: 'POST',
    path: '/v1/members/{memberId}/nps',
    fn: 'insights',
    scope: 'surveys:write',
    summary: 'Record an NPS answer',
    description: "Records the member's answer to the Net Promoter Score question (0-10) with an optional comment.",
    errors: ['member-not-found', 'member-erased'],
    example: { score: 9, comment: 'Quick checkout' },
    params: MemberParams,
    body: NpsRequest,
    responses: { 201: z.object({ memberId: z.string(), score: z.int(), answeredAt: z.string() }) },
  },
  recordPurchase: {
    method: 'POST',
    path: '/v1/purchases',
    fn: 'insights',
    scope: 'purchases:write',
    summary: "A non-member's purchase, kept only for metrics",
    description:
      'Records the purchase of a customer who is not a member, once per orderId, so that the metrics compare members with non-members. Earns nothing.',
    errors: ['currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: { orderId: 'web-88121', amount: { value: 3900, currency: 'EUR' } },
    body: PurchaseRequest,
    responses: {
      201: z.object({
        orderId: z.string(),
        amount: z.object({ value: z.int(), currency: z.string() }),
        occurredAt: z.string(),
      }),
    },
  },
  createSnapshot: {
    method: 'POST',
    path: '/v1/admin/metrics/snapshots',
    fn: 'insights',
    scope: 'admin',
    summary: 'Compute a metrics snapshot now',
    description: 'Computes the loyalty metrics now over a window (default: the last 30 days) and keeps the snapshot.',
    errors: [],
    example: { window: { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' } },
    body: CreateSnapshotRequest,
    responses: { 201: Snapshot },
  },
  listSnapshots: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots',
    fn: 'insights',
    scope: 'admin',
    summary: 'Snapshots, newest first',
    description:
      'Kept snapshots, newest first, optionally those computed in [from, to]; a `to` before `from` is a 400.',
    errors: [],
    query: SnapshotQuery,
    responses: { 200: page(Snapshot, 'SnapshotPage') },
  },
  latestSnapshot: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots/latest',
    fn: 'insights',
    scope: 'admin',
    summary: 'The latest snapshot',
    description: 'The most recent snapshot; 404 until the first one is computed.',
    errors: ['snapshot-not-found'],
    responses: { 200: Snapshot },
  },

  getProgram: {
    method: 'GET',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'The program rules in force',
    description: 'The program rules in force, with their version.',
    errors: [],
    headers: ['ETag'],
    responses: { 200: Program },
  },
  putProgram: {
    method: 'PUT',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'Replace the program rules (validated whole, versioned)',
    description:
      'Takes the program as GET answered it (`version` and `updatedAt` may come along), validated as a whole; each change is a new version, and ledger entries name the version they were computed with. `If-Match: "<version>"` ' +
      'answers 412 and a body `version` 409 when the program has moved on since; nothing is saved. Rules equal to ' +
      'those in force save no new version and answer the program in force.',
    errors: ['program-conflict', 'program-precondition-failed'],
    example: {
      currency: 'EUR',
      earn: { pointsPerUnit: 10 },
      tiers: [
        {
          id: 'member',
          name: 'Member',
          minQualifyingSpend: { value: 0, currency: 'EUR' },
          pointsMultiplier: 1,
          cashbackRate: 100,
          discountRate: 0,
        },
        {
          id: 'gold',
          name: 'Gold',
          minQualifyingSpend: { value: 100000, currency: 'EUR' },
          pointsMultiplier: 1.5,
          cashbackRate: 300,
          discountRate: 500,
        },
      ],
      bonuses: { signup: 100, referrer: 200, referee: 100, birthday: 50 },
      cashback: { holdDays: 14 },
      expiry: { inactivityMonths: 24 },
    },
    body: ProgramUpdate,
    headers: ['ETag'],
    responses: { 200: Program },
  },
  getProgramVersion: {
    method: 'GET',
    path: '/v1/admin/program/versions/{version}',
    fn: 'admin',
    scope: 'admin',
    summary: 'One version of the program, as it was saved',
    description: 'One saved version of the program rules, as it was saved; 404 for a version never saved.',
    errors: ['program-version-not-found'],
    headers: ['ETag'],
    params: z.strictObject({ version: z.coerce.number().int().min(1).max(99_999_999) }),
    responses: { 200: Program },
  },
  listPartners: {
    method: 'GET',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'The partners, newest first (never a key)',
    description: 'The partners of the region with their scopes and rate limits, newest first; never a key.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(PartnerSummary, 'PartnerPage') },
  },
  createPartner: {
    method: 'POST',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'Create a partner and its API key',
    description:
      "Creates a partner with scopes and returns its API key once (only its hash is stored; an idempotent replay leaves it out). `rateLimit` (default: the region's) throttles this partner on its own: past it, 429 " +
      'with Retry-After.',
    errors: [],
    example: {
      name: 'Web shop',
      scopes: ['members:read', 'members:write', 'points:earn'],
      rateLimit: { perSecond: 20, burst: 40 },
    },
    body: CreatePartnerRequest,
    responses: { 201: CreatedPartner },
  },
  rotatePartnerKey: {
    method: 'POST',
    path: '/v1/admin/partners/{partnerId}/rotate-key',
    fn: 'admin',
    scope: 'admin',
    summary: "Replace a partner's key; the old one works 24 hours more",
    description: 'The new key is shown once (an idempotent replay answers without it).',
    errors: ['partner-not-found'],
    params: PartnerParams,
    responses: { 200: RotatedKey },
  },
  deletePartner: {
    method: 'DELETE',
    path: '/v1/admin/partners/{partnerId}',
    fn: 'admin',
    scope: 'admin',
    summary: 'Delete a partner; its key stops working',
    description: 'Deletes a partner; its key stops working within the authorizer cache time.',
    errors: ['partner-not-found'],
    params: PartnerParams,
    responses: { 204: null },
  },
  runJob: {
    method: 'POST',
    path: '/v1/admin/jobs/{job}/run',
    fn: 'admin',
    scope: 'admin',
    summary:
      'Run a scheduled job now: locally it runs in the request (200, what it did); on AWS the job function is started asynchronously (202)',
    description:
      'Jobs are idempotent (running one again is harmless), so the Idempotency-Key is not recorded. ' +
      'On AWS the answer only says the job started: its results show in the metrics snapshots and the event feed.',
    errors: [],
    params: z.strictObject({ job: JobName }),
    responses: { 200: JobRun, 202: JobStarted },
  },

  listEvents: {
    method: 'GET',
    path: '/v1/events',
    fn: 'events',
    scope: 'events:read',
    summary: 'Events, oldest first; resume from nextCursor',
    description:
      'Events oldest first, optionally of some types or of one member; nextCursor is always present, so a poller resumes from it. Kept at least 30 days.',
    errors: [],
    query: EventsQuery,
    responses: { 200: EventPage },
  },
  createWebhook: {
    method: 'POST',
    path: '/v1/admin/webhooks',
    fn: 'events',
    scope: 'admin',
    summary: 'Register a webhook endpoint (its secret is shown once)',
    description:
      'Registers an endpoint for some event types (or all); its secret (whsec_…) is shown once and signs every delivery (Standard Webhooks). On AWS the URL must be https and not resolve to a private address.',
    errors: ['forbidden-webhook-url', 'too-many-webhooks'],
    example: { url: 'https://example.com/hooks/rewards', types: ['points.earned', 'tier.changed'] },
    body: CreateWebhookRequest,
    responses: { 201: CreatedWebhook },
  },
  listWebhooks: {
    method: 'GET',
    path: '/v1/admin/webhooks',
    fn: 'events',
    scope: 'admin',
    summary: 'Webhook endpoints of the region',
    description: "The region's webhook endpoints; never their secrets.",
    errors: [],
    responses: { 200: page(Webhook, 'WebhookPage') },
  },
  getWebhook: {
    method: 'GET',
    path: '/v1/admin/webhooks/{webhookId}',
    fn: 'events',
    scope: 'admin',
    summary: 'A webhook endpoint',
    description: 'One webhook endpoint; never its secret.',
    errors: ['webhook-not-found'],
    params: WebhookParams,
    responses: { 200: Webhook },
  },
  patchWebhook: {
    method: 'PATCH',
    path: '/v1/admin/webhooks/{webhookId}',
    fn: 'events',
    scope: 'admin',
    summary: 'Change the URL, types, description or status of an endpoint',
    description: 'Changes the URL, the event types, the description (null removes it) or the status of an endpoint.',
    errors: ['webhook-not-found', 'forbidden-webhook-url'],
    example: { status: 'disabled' },
    params: WebhookParams,
    body: PatchWebhookRequest,
    responses: { 200: Webhook },
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/v1/admin/webhooks/{webhookId}',
    fn: 'events',
    scope: 'admin',
    summary: 'Delete an endpoint; nothing more is delivered to it',
    description: 'Deletes an endpoint; nothing more is delivered to it.',
    errors: ['webhook-not-found'],
    params: WebhookParams,
    responses: { 204: null },
  },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/v1/admin/webhooks/{webhookId}/rotate-secret',
    fn: 'events',
    scope: 'admin',
    summary: 'A new secret (shown once); the old one also signs for 24 hours',
    description:
      'Makes a new secret, shown once; for 24 hours deliveries are signed with both the old and the new one.',
    errors: ['webhook-not-found'],
    params: WebhookParams,
    responses: { 200: RotatedSecret },
  },
  testWebhook: {
    method: 'POST',
    path: '/v1/admin/webhooks/{webhookId}/test',
    fn: 'events',
    scope: 'admin',
    summary: 'Send a webhook.test event to this endpoint',
    description: 'Sends a webhook.test event to this endpoint through the whole delivery pipeline.',
    errors: ['webhook-not-found'],
    params: WebhookParams,
    responses: { 202: Accepted },
  },
  listDeliveries: {
    method: 'GET',
    path: '/v1/admin/webhooks/{webhookId}/deliveries',
    fn: 'events',
    scope: 'admin',
    summary: "An endpoint's deliveries, newest first",
    description: "The endpoint's deliveries, newest event first, optionally of one status, with their attempts.",
    errors: ['webhook-not-found'],
    params: WebhookParams,
    query: DeliveriesQuery,
    responses: { 200: page(Delivery, 'DeliveryPage') },
  },
  retryDelivery: {
    method: 'POST',
    path: '/v1/admin/webhooks/{webhookId}/deliveries/{eventId}/retry',
    fn: 'events',
    scope: 'admin',
    summary: 'Deliver an event to the endpoint again, now',
    description: 'Delivers an event to the endpoint again now (a failed delivery too).',
    errors: ['delivery-not-found'],
    params: DeliveryParams,
    responses: { 202: Accepted },
  },
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;
export type Routes = typeof routes;

export function routesOf(fn: FunctionName): RouteId[] {
  return (Object.keys(routes) as RouteId[]).filter((id) => routes[id].fn === fn);
}

/** Paths without a route for a method answer 405 with the methods they do have. */
export function methodsForPath(path: string): string[] {
  return Object.values(routes as Record<string, RouteDefinition>)
    .filter((r) => r.path === path)
    .map((r) => r.method);
}

export interface RouteMatch {
  routeId: RouteId;
  pathParameters: Record<string, string>;
}

function templateToRegExp(template: string): RegExp {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${pattern}$`);
}
const compiled = (Object.keys(routes) as RouteId[]).map((routeId) => ({
  routeId,
  regexp: templateToRegExp(routes[routeId].path),
}));

/** Matches a concrete path; used by the local server (API Gateway does this on AWS). */
export function matchPath(path: string): { template: string; candidates: RouteMatch[] } | undefined {
  const hits = compiled.flatMap(({ routeId, regexp }) => {
    const match = regexp.exec(path);
    if (!match) return [];
    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) pathParameters[name] = decodeURIComponent(value);
    return [{ routeId, pathParameters }];
  });
  // A literal segment beats a parameter (…/snapshots/latest over …/snapshots/{id}): prefer the template with fewest parameters.
  if (hits.length === 0) return undefined;
  const score = (id: RouteId) => (routes[id].path.match(/\{/g) ?? []).length;
  const best = Math.min(...hits.map((h) => score(h.routeId)));
  const candidates = hits.filter((h) => score(h.routeId) === best);
  const first = candidates[0];
  return first ? { template: routes[first.routeId].path, candidates } : undefined;
}

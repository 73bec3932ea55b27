import { z } from 'zod';
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
import { RewardId } from '@shared/schemas/common';
import { page } from '@shared/schemas/common';

/**
 * The one route table. The CDK stack makes one Lambda function per `fn` and one API
 * Gateway method per route; the local server dispatches with the same table; the
 * OpenAPI document is generated from it. Nothing else declares a route.
 */
export const functionNames = ['members', 'points', 'cashback', 'rewards', 'insights', 'admin'] as const;
export type FunctionName = (typeof functionNames)[number];
/**
 * Every Lambda entry point of functions/ (file name without .ts): the route functions, the
 * public one (health, OpenAPI, 404/405), the authorizer and the scheduled jobs. The stack,
 * the local server and the bundling test all take the list from here.
 */
export const entryPoints = [...functionNames, 'public', 'authorizer', 'metrics-job', 'expiry-job'] as const;
export type EntryName = (typeof entryPoints)[number];
export type RouteScope = Scope | 'admin' | 'public';

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  scope: RouteScope;
  summary: string;
  description?: string;
  /**
   * The Idempotency-Key header: required on POST and DELETE, absent elsewhere, unless the
   * route says otherwise (`optional`: PATCH; `none`: a POST that writes nothing, like a preview).
   */
  idempotencyKey?: 'optional' | 'none';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Partial<Record<200 | 201 | 204, z.ZodType | null>>;
}

const MemberParams = z.strictObject({ memberId: MemberId });
const PartnerParams = z.strictObject({ partnerId: PartnerId });
const TransactionPage = page(Transaction, 'TransactionPage');

export const routes = {
  createMember: {
    method: 'POST',
    path: '/v1/members',
    fn: 'members',
    scope: 'members:write',
    summary: 'Enrol a member (sign-up and referral bonuses in the same write)',
    body: CreateMemberRequest,
    responses: { 201: Member },
  },
  getMember: {
    method: 'GET',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'members:read',
    summary: 'A member with balances and tier',
    params: MemberParams,
    responses: { 200: Member },
  },
  listTransactions: {
    method: 'GET',
    path: '/v1/members/{memberId}/transactions',
    fn: 'members',
    scope: 'members:read',
    summary: "A member's ledger, newest first",
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
    params: TransactionParams,
    responses: { 200: Transaction },
  },
  eraseMember: {
    method: 'DELETE',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'admin',
    summary: 'Erase personal data; ledger amounts stay, unlinked',
    params: MemberParams,
    responses: { 204: null },
  },

  earnPoints: {
    method: 'POST',
    path: '/v1/members/{memberId}/earn',
    fn: 'points',
    scope: 'points:earn',
    summary: 'Earn points for a purchase',
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
    query: PageQuery,
    responses: { 200: page(Reward, 'RewardPage') },
  },
  putReward: {
    method: 'PUT',
    path: '/v1/admin/rewards/{rewardId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Create or replace a reward',
    params: z.strictObject({ rewardId: RewardId }),
    body: PutRewardRequest,
    responses: { 200: Reward, 201: Reward },
  },

  answerNps: {
    method: 'POST',
    path: '/v1/members/{memberId}/nps',
    fn: 'insights',
    scope: 'surveys:write',
    summary: 'Record an NPS answer',
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
    body: CreateSnapshotRequest,
    responses: { 201: Snapshot },
  },
  listSnapshots: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots',
    fn: 'insights',
    scope: 'admin',
    summary: 'Snapshots, newest first',
    query: SnapshotQuery,
    responses: { 200: page(Snapshot, 'SnapshotPage') },
  },
  latestSnapshot: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots/latest',
    fn: 'insights',
    scope: 'admin',
    summary: 'The latest snapshot',
    responses: { 200: Snapshot },
  },

  getProgram: {
    method: 'GET',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'The program rules in force',
    responses: { 200: Program },
  },
  putProgram: {
    method: 'PUT',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'Replace the program rules (validated whole, versioned)',
    description:
      'Takes the program as GET answered it (`version` and `updatedAt` may come along). `If-Match: "<version>"` ' +
      'answers 412 and a body `version` 409 when the program has moved on since; nothing is saved. Rules equal to ' +
      'those in force save no new version and answer the program in force.',
    body: ProgramUpdate,
    responses: { 200: Program },
  },
  getProgramVersion: {
    method: 'GET',
    path: '/v1/admin/program/versions/{version}',
    fn: 'admin',
    scope: 'admin',
    summary: 'One version of the program, as it was saved',
    params: z.strictObject({ version: z.coerce.number().int().min(1).max(99_999_999) }),
    responses: { 200: Program },
  },
  listPartners: {
    method: 'GET',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'The partners, newest first (never a key)',
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
      "The key is shown once. `rateLimit` (default: the region's) throttles this partner on its own: past it, 429 " +
      'with Retry-After.',
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
    params: PartnerParams,
    responses: { 200: RotatedKey },
  },
  deletePartner: {
    method: 'DELETE',
    path: '/v1/admin/partners/{partnerId}',
    fn: 'admin',
    scope: 'admin',
    summary: 'Delete a partner; its key stops working',
    params: PartnerParams,
    responses: { 204: null },
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

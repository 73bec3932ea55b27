import * as z from 'zod';
import { PageQuery } from '@shared/schemas/common';
import {
  CashbackRedeemRequest,
  CashbackRequest,
  CreateMemberRequest,
  EarnRequest,
  Member,
  MemberExport,
  MemberId,
  NpsRequest,
  PurchaseRequest,
  RedeemRequest,
  RefundRequest,
  Transaction,
} from '@shared/schemas/members';
import {
  CreatePartnerRequest,
  CreatedPartner,
  CreateSnapshotRequest,
  PartnerId,
  PutRewardRequest,
  Reward,
  Snapshot,
  SnapshotQuery,
  type Scope,
} from '@shared/schemas/admin';
import { Program, ProgramRules } from '@shared/schemas/program';
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
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Partial<Record<200 | 201 | 202 | 204, z.ZodType | null>>;
}

const MemberParams = z.strictObject({ memberId: MemberId });
const TransactionPage = page(Transaction, 'TransactionPage');
const RaffleParams = z.strictObject({ raffleId: RaffleId });

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

  putRaffle: {
    method: 'PUT',
    path: '/v1/admin/raffles/{raffleId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Create or replace a raffle (only its name may change once it opened)',
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
    query: PageQuery,
    responses: { 200: page(Raffle, 'RafflePage') },
  },
  getRaffle: {
    method: 'GET',
    path: '/v1/raffles/{raffleId}',
    fn: 'rewards',
    scope: 'members:read',
    summary: 'A raffle with seedHash; after the draw its seed and winners',
    params: RaffleParams,
    responses: { 200: Raffle },
  },
  buyRaffleEntries: {
    method: 'POST',
    path: '/v1/members/{memberId}/raffles/{raffleId}/entries',
    fn: 'rewards',
    scope: 'points:redeem',
    summary: 'Buy raffle entries with points (a redeem entry with raffleId)',
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
    params: RaffleParams,
    responses: { 201: Raffle },
  },
  listRaffleEntries: {
    method: 'GET',
    path: '/v1/admin/raffles/{raffleId}/entries',
    fn: 'rewards',
    scope: 'admin',
    summary: "Every member's entries in memberId order: what a verifier needs",
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
    body: ProgramRules,
    responses: { 200: Program },
  },
  createPartner: {
    method: 'POST',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'Create a partner and its API key',
    body: CreatePartnerRequest,
    responses: { 201: CreatedPartner },
  },
  deletePartner: {
    method: 'DELETE',
    path: '/v1/admin/partners/{partnerId}',
    fn: 'admin',
    scope: 'admin',
    summary: 'Delete a partner; its key stops working',
    params: z.strictObject({ partnerId: PartnerId }),
    responses: { 204: null },
  },

  listEvents: {
    method: 'GET',
    path: '/v1/events',
    fn: 'events',
    scope: 'events:read',
    summary: 'Events, oldest first; resume from nextCursor',
    query: EventsQuery,
    responses: { 200: EventPage },
  },
  createWebhook: {
    method: 'POST',
    path: '/v1/admin/webhooks',
    fn: 'events',
    scope: 'admin',
    summary: 'Register a webhook endpoint (its secret is shown once)',
    body: CreateWebhookRequest,
    responses: { 201: CreatedWebhook },
  },
  listWebhooks: {
    method: 'GET',
    path: '/v1/admin/webhooks',
    fn: 'events',
    scope: 'admin',
    summary: 'Webhook endpoints of the region',
    responses: { 200: page(Webhook, 'WebhookPage') },
  },
  getWebhook: {
    method: 'GET',
    path: '/v1/admin/webhooks/{webhookId}',
    fn: 'events',
    scope: 'admin',
    summary: 'A webhook endpoint',
    params: WebhookParams,
    responses: { 200: Webhook },
  },
  patchWebhook: {
    method: 'PATCH',
    path: '/v1/admin/webhooks/{webhookId}',
    fn: 'events',
    scope: 'admin',
    summary: 'Change the URL, types, description or status of an endpoint',
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
    params: WebhookParams,
    responses: { 204: null },
  },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/v1/admin/webhooks/{webhookId}/rotate-secret',
    fn: 'events',
    scope: 'admin',
    summary: 'A new secret (shown once); the old one also signs for 24 hours',
    params: WebhookParams,
    responses: { 200: RotatedSecret },
  },
  testWebhook: {
    method: 'POST',
    path: '/v1/admin/webhooks/{webhookId}/test',
    fn: 'events',
    scope: 'admin',
    summary: 'Send a webhook.test event to this endpoint',
    params: WebhookParams,
    responses: { 202: Accepted },
  },
  listDeliveries: {
    method: 'GET',
    path: '/v1/admin/webhooks/{webhookId}/deliveries',
    fn: 'events',
    scope: 'admin',
    summary: "An endpoint's deliveries, newest first",
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

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { READ_ACTIONS, stringLike, tableAccess, type EntryName, type ItemAction } from '@infra/config/table-access';
import { PARTNER_SCOPES } from '@shared/schemas/admin';
import { matchPath, routes, type FunctionName } from '@shared/http/routes';
import { useStore } from '@shared/store/client';
import { putKnownKey } from '@shared/store/partners';
import type { DomainEvent } from '@shared/domain/events';
import { deliver } from '@shared/delivery/delivery';
import { fanOut } from '@shared/delivery/fanout';
import { deliveryQueue, useDeliveryQueue, type DeliveryMessage } from '@shared/delivery/queue';
import { DirectoryImportFiles } from '@infra/local/imports';
import { IMPORT_PHASES } from '@shared/domain/import';
import { useImportEngine } from '@shared/store/import-engine';
import { useSimulationEngine } from '@shared/store/simulation-engine';
import { useSegmentEvaluationEngine, type SegmentEvaluationRun } from '@shared/store/segment-evaluation-engine';
import { useSessionKeys } from '@shared/sessions/keys';
import { LocalSessionKeys } from '@shared/sessions/local-keys';
import { useDataKeys } from '@shared/secrets/data-keys';
import { LocalDataKeys } from '@shared/secrets/local-data-keys';
import { importFiles, useImportFiles } from '@shared/store/import-files';
import { isAllowed, tableResources } from '../support/iam';
import { startReceiver, type Receiver } from '../support/receiver';
import { recordingStore, type RecordedRequest, type RecordingStore } from '../support/recording-store';
import { useFreshTable } from '../support/table';
import { logicalIdOf, statementsOfFunction, synthesizeRegion, type SynthesizedStack } from '../infra/support';

/**
 * Every use case, run through the real Lambda handlers on DynamoDB Local with a client that records
 * each request as IAM authorizes it; then each request is evaluated against the synthesized policy of
 * the function that sent it (its actions, the table or index, and dynamodb:LeadingKeys).
 */
type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const apiHandlers: Record<FunctionName | 'public', () => Promise<{ handler: unknown }>> = {
  members: () => import('@functions/members'),
  points: () => import('@functions/points'),
  cashback: () => import('@functions/cashback'),
  rewards: () => import('@functions/rewards'),
  insights: () => import('@functions/insights'),
  admin: () => import('@functions/admin'),
  events: () => import('@functions/events'),
  imports: () => import('@functions/imports'),
  me: () => import('@functions/me'),
  codes: () => import('@functions/codes'),
  public: () => import('@functions/public'),
};

const context = (name: string): Context =>
  ({
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 290_000,
  }) as Context;

let recorder: RecordingStore;
let receiver: Receiver;
/** What the functions put on the delivery queue (SQS on AWS). */
const messages: DeliveryMessage[] = [];
let synthesized: SynthesizedStack;
/** Where the import files go (the S3 bucket on AWS), and the imports the routes handed to the engine. */
let importDirectory: string;
const startedImports: { importId: string; fileKey: string }[] = [];
/** The segment evaluations the routes handed to the engine (Step Functions on AWS). */
const startedEvaluations: SegmentEvaluationRun[] = [];
/** The seeded keys, and the member session token the scenario's member app uses (set when created). */
const keys = {
  partner: `rk_${randomUUID().replaceAll('-', '')}`,
  admin: `rk_${randomUUID().replaceAll('-', '')}`,
  member: '',
};

/** A JSON answer body, read field by field (`field` turns a missing or non-string field into an error). */
type Body = Record<string, unknown>;
interface Answer {
  status: number;
  body: Body;
}

function field(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new Error(`no ${name} in ${JSON.stringify(body)}`);
  return value;
}

/** What API Gateway does for one request: the authorizer, then the route's function, each recorded under its name. */
async function call(
  method: string,
  url: string,
  options: { body?: unknown; ndjson?: string; as?: keyof typeof keys; idempotencyKey?: string } = {},
): Promise<Answer> {
  const path = url.split('?')[0] ?? url;
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  const match = matchPath(path);
  const candidate = match?.candidates.find((c) => routes[c.routeId].method === method);
  if (!candidate) throw new Error(`no route ${method} ${path}`);
  const route = routes[candidate.routeId];
  const { handler: authorize } = await import('@functions/authorizer');
  const authorized = await recorder.as('authorizer', () =>
    authorize({
      type: 'TOKEN',
      authorizationToken: `Bearer ${keys[options.as ?? 'partner']}`,
      methodArn: `arn:aws:execute-api:eu-west-1:123456789012:api/prod/${method}${path}`,
    }),
  );
  const handler = (await apiHandlers[route.fn]()).handler as ApiHandler;
  const body = options.ndjson ?? (options.body === undefined ? null : JSON.stringify(options.body));
  const event = {
    resource: route.path,
    path,
    httpMethod: method,
    headers: {
      ...(body ? { 'content-type': options.ndjson ? 'application/x-ndjson' : 'application/json' } : {}),
      ...(method === 'POST' || method === 'DELETE'
        ? { 'idempotency-key': options.idempotencyKey ?? randomUUID() }
        : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: query.size > 0 ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: null,
    pathParameters: candidate.pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { authorizer: authorized.context, requestId: randomUUID(), resourcePath: route.path },
  } as unknown as APIGatewayProxyEvent;
  const result = await recorder.as(route.fn, () => handler(event, context(route.fn)));
  return { status: result.statusCode, body: result.body ? (JSON.parse(result.body) as Body) : {} };
}

const eur = (value: number) => ({ value, currency: 'EUR' });

/** The request, then its retry with the same Idempotency-Key (answered from the stored record). */
async function twice(
  method: string,
  url: string,
  options: { body?: unknown; ndjson?: string; as?: keyof typeof keys } = {},
) {
  const idempotencyKey = randomUUID();
  const first = await call(method, url, { ...options, idempotencyKey });
  const again = await call(method, url, { ...options, idempotencyKey });
  if (again.status !== first.status)
    throw new Error(`${method} ${url}: replay answered ${again.status}, not ${first.status}`);
  return first;
}

beforeAll(async () => {
  synthesized = synthesizeRegion('eu-west-1');
  // Every Lambda function has its own program cache; in one test process they would share one.
  vi.stubEnv('PROGRAM_CACHE_SECONDS', '0');
  vi.stubEnv('WEBHOOK_ALLOW_LOOPBACK', 'true');
  vi.stubEnv('EVENT_FEED_SETTLE_SECONDS', '0');
  // The scenario's import file is five lines with one bad on purpose: over the default 10 % share.
  vi.stubEnv('IMPORT_MAX_BAD_SHARE', '0.5');
  // The metrics totals start a day back, not at the default epoch: catching up on ~2 years of empty
  // days would take the snapshot route past its deadline on a busy machine.
  vi.stubEnv('METRICS_EPOCH', new Date(Date.now() - 86_400_000).toISOString());
  receiver = await startReceiver();
  useDeliveryQueue({ send: async (sent) => void messages.push(...sent) });
  importDirectory = await mkdtemp(join(tmpdir(), 'table-access-imports-'));
  useImportFiles(new DirectoryImportFiles(importDirectory));
  // Step Functions on AWS: the scenario runs the worker's three steps itself, as the state machine would.
  useImportEngine({
    start: (importId, fileKey) => {
      startedImports.push({ importId, fileKey });
      return Promise.resolve();
    },
  });
  // The simulations' state machine, likewise: the scenario runs its steps through the worker.
  useSimulationEngine({ start: () => Promise.resolve() });
  useSegmentEvaluationEngine({
    start: (run) => {
      startedEvaluations.push(run);
      return Promise.resolve();
    },
  });
  const table = await useFreshTable({ expiry: { inactivityMonths: 1 } });
  useSessionKeys(await LocalSessionKeys.generate());
  useDataKeys(LocalDataKeys.generate());
  await putKnownKey({
    partnerId: 'p-1',
    name: 'Partner',
    scopes: [...PARTNER_SCOPES],
    apiKey: keys.partner,
    role: 'partner',
  });
  await putKnownKey({ partnerId: 'a-1', name: 'Admin', scopes: [], apiKey: keys.admin, role: 'admin' });
  recorder = recordingStore(table);
  useStore(recorder);

  // Every route, its refusals that keep an idempotency record, and both jobs.
  const expect201 = (answer: Answer, what: string) => {
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const referrer = expect201(
    await twice('POST', '/v1/members', { body: { consent: { marketing: true, analytics: true } } }),
    'enrol',
  ).body;
  const enrolled = expect201(
    await call('POST', '/v1/members', {
      body: {
        email: 'ada@example.com',
        name: 'Ada',
        birthday: '1990-04-17',
        externalId: 'crm-1',
        referralCode: field(referrer, 'referralCode'),
        consent: { marketing: true, analytics: true },
      },
    }),
    'enrol with referral',
  ).body;
  const member = `/v1/members/${field(enrolled, 'memberId')}`;
  // A raffle open now: the earn enters the purchase, the refund takes entries back, points buy more.
  const raffleWindow = { opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() + 86_400_000) };
  expect201(
    await call('PUT', '/v1/admin/raffles/summer', {
      as: 'admin',
      body: {
        name: 'Summer',
        opensAt: raffleWindow.opensAt.toISOString(),
        closesAt: raffleWindow.closesAt.toISOString(),
        entries: { perAmount: eur(1_000), pointsPerEntry: 1, maxPerMember: 50 },
        prizes: [{ prizeId: 'bike', name: 'Bike', quantity: 1 }],
      },
    }),
    'raffle',
  );
  // Segments: a rules segment evaluated over every member by the worker's steps (the state machine on
  // AWS), entered by the earn below; a list segment one member is added to; the segment reads.
  const buyers = expect201(
    await call('PUT', '/v1/admin/segments/buyers', {
      as: 'admin',
      body: { name: 'Buyers', rules: { all: [{ field: 'purchases.count', op: 'gte', value: 1 }] } },
    }),
    'rules segment',
  );
  if (buyers.status !== 202 || !startedEvaluations[0]) throw new Error('the segment evaluation did not start');
  {
    const { handler: importWorker } = await import('@functions/import-worker');
    const { segmentId, revision } = startedEvaluations[0];
    const work = (input: unknown) => recorder.as('import-worker', () => importWorker(input));
    const begun = (await work({ action: 'segment-begin', segmentId, revision })) as { parts: number[] };
    for (const part of begun.parts) await work({ action: 'segment-part', segmentId, revision, part });
    await work({ action: 'segment-finish', segmentId, revision });
  }
  expect201(await call('PUT', '/v1/admin/segments/vip', { as: 'admin', body: { name: 'VIP', list: true } }), 'list');
  expect201(
    await twice('POST', '/v1/admin/segments/vip/members', {
      as: 'admin',
      body: { memberId: field(enrolled, 'memberId'), action: 'add' },
    }),
    'list add',
  );
  await call('GET', '/v1/admin/segments', { as: 'admin' });
  await call('GET', '/v1/admin/segments/vip', { as: 'admin' });
  await call('GET', '/v1/admin/segments/vip/members', { as: 'admin' });
  await call('GET', `${member}/segments`);
  expect201(await call('PUT', '/v1/admin/segments/gone', { as: 'admin', body: { name: 'Gone', list: true } }), 'list');
  expect201(await call('DELETE', '/v1/admin/segments/gone', { as: 'admin' }), 'delete segment');
  expect201(await twice('POST', `${member}/earn`, { body: { orderId: 'o1', amount: eur(12_000) } }), 'earn');
  expect201(await twice('POST', `${member}/raffles/summer/entries`, { body: { count: 2 } }), 'raffle entries');
  await call('GET', '/v1/raffles');
  await call('GET', '/v1/raffles/summer');
  await call('GET', `${member}/raffles`);
  expect201(await twice('POST', `${member}/cashback`, { body: { orderId: 'o2', amount: eur(12_000) } }), 'cashback');
  await call('POST', `${member}/cashback/redeem`, { body: { amount: eur(10) } });
  expect201(await call('POST', `${member}/refunds`, { body: { orderId: 'o1', amount: eur(2_000) } }), 'refund');
  expect201(
    await call('PUT', '/v1/admin/rewards/mug', { as: 'admin', body: { name: 'Mug', pointsCost: 10, stock: 5 } }),
    'reward',
  );
  expect201(await call('POST', `${member}/redeem`, { body: { rewardId: 'mug' } }), 'redeem reward');
  expect201(
    await call('PUT', '/v1/admin/rewards/sticker', { as: 'admin', body: { name: 'Sticker', pointsCost: 5 } }),
    'reward',
  );
  expect201(await call('POST', `${member}/redeem`, { body: { rewardId: 'sticker' } }), 'redeem unlimited reward');
  // The last unit of a reward: reward.out-of-stock, an event about no member (EVENT#…), delivered below.
  expect201(
    await call('PUT', '/v1/admin/rewards/poster', { as: 'admin', body: { name: 'Poster', pointsCost: 1, stock: 1 } }),
    'reward',
  );
  expect201(await call('POST', `${member}/redeem`, { body: { rewardId: 'poster' } }), 'redeem the last unit');
  expect201(await call('POST', `${member}/redeem`, { body: { points: 5 } }), 'redeem points');
  // Reward codes: a generated code charged at use (validate, use twice for one order, release, cancel),
  // a pool reward (upload, redeem), the member's codes, a reward's counts, a donation and the catalog.
  const voucher = {
    name: 'Voucher',
    pointsCost: 5,
    fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'use' },
  };
  expect201(await call('PUT', '/v1/admin/rewards/voucher', { as: 'admin', body: voucher }), 'code reward');
  // Campaigns: saved, read, listed and deleted by the admin; on a list segment's entry they give a
  // bonus, a boost and the last code of a pool reward (its reward.out-of-stock), in the entry's write.
  expect201(await call('PUT', '/v1/admin/segments/win-back', { as: 'admin', body: { name: 'W', list: true } }), 'list');
  const giftPool = {
    name: 'Gift',
    pointsCost: 5,
    fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
  };
  expect201(await call('PUT', '/v1/admin/rewards/gift-pool', { as: 'admin', body: giftPool }), 'pool reward');
  expect201(
    await twice('POST', '/v1/admin/rewards/gift-pool/codes', { as: 'admin', body: { codes: ['GIFT-0001'] } }),
    'upload',
  );
  const campaignOf = (effect: Record<string, unknown>) => ({
    name: 'Win-back',
    segmentId: 'win-back',
    startsAt: new Date(Date.now() - 86_400_000).toISOString(),
    effect,
  });
  for (const [campaignId, effect] of [
    ['win-back-code', { type: 'reward', rewardId: 'gift-pool' }],
    ['win-back-bonus', { type: 'bonus', points: 5 }],
    ['win-back-x3', { type: 'multiplier', factor: 3, days: 30 }],
    ['spare', { type: 'bonus', points: 1 }],
  ] as const)
    expect201(
      await call('PUT', `/v1/admin/campaigns/${campaignId}`, { as: 'admin', body: campaignOf(effect) }),
      'campaign',
    );
  await call('GET', '/v1/admin/campaigns/win-back-code', { as: 'admin' });
  await call('GET', '/v1/admin/campaigns', { as: 'admin' });
  expect201(await twice('DELETE', '/v1/admin/campaigns/spare', { as: 'admin' }), 'campaign deleted');
  expect201(
    await call('POST', '/v1/admin/segments/win-back/members', {
      as: 'admin',
      body: { memberId: field(enrolled, 'memberId'), action: 'add' },
    }),
    'entry with campaigns',
  );
  const issued = expect201(await twice('POST', `${member}/redeem`, { body: { rewardId: 'voucher' } }), 'code').body;
  const { code: voucherCode, codeId } = issued.code as { code: string; codeId: string };
  await call('POST', '/v1/codes/validate', { body: { code: voucherCode } });
  expect201(await twice('POST', '/v1/codes/use', { body: { code: voucherCode, orderId: 'till:1' } }), 'use');
  expect201(await call('POST', '/v1/codes/use', { body: { code: voucherCode, orderId: 'till:1' } }), 'use again');
  expect201(await twice('POST', '/v1/codes/release', { body: { code: voucherCode, orderId: 'till:1' } }), 'release');
  expect201(await twice('POST', `${member}/codes/${codeId}/cancel`, { body: { reason: 'r' } }), 'cancel');
  await call('GET', `${member}/codes?status=cancelled`);
  await call('GET', '/v1/admin/rewards/voucher/codes/stats', { as: 'admin' });
  const poolReward = {
    name: 'Pool',
    pointsCost: 5,
    fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
  };
  expect201(await call('PUT', '/v1/admin/rewards/pooled', { as: 'admin', body: poolReward }), 'pool reward');
  expect201(
    await twice('POST', '/v1/admin/rewards/pooled/codes', { as: 'admin', body: { codes: ['POOL-0001', 'POOL-0002'] } }),
    'upload',
  );
  expect201(await call('POST', `${member}/redeem`, { body: { rewardId: 'pooled' } }), 'redeem a pool code');
  const cause = { name: 'Cause', pointsCost: 1, fulfilment: { type: 'donation', cause: 'Trees' } };
  expect201(await call('PUT', '/v1/admin/rewards/cause', { as: 'admin', body: cause }), 'donation reward');
  expect201(await call('POST', `${member}/redeem`, { body: { rewardId: 'cause', points: 2 } }), 'donate');
  await call('POST', `${member}/redeem`, { body: { points: 1_000_000 } });
  await call('GET', '/v1/rewards');
  await call('GET', member);
  const ledger = await call('GET', `${member}/transactions?limit=3`);
  // The integrator's day-one routes: lookup by each claim, a merge patch that moves the email
  // and external id claims, one transaction by id, an earn preview and an adjustment.
  await call('GET', '/v1/members?externalId=crm-1');
  await call('GET', '/v1/members?email=ADA@example.com');
  expect201(
    await call('PATCH', member, {
      body: { email: 'ada.l@example.com', externalId: 'crm-2', consent: { marketing: false } },
    }),
    'patch member',
  );
  const [newest] = ledger.body.items as { transactionId: string }[];
  await call('GET', `${member}/transactions/${newest!.transactionId}`);
  await call('POST', `${member}/earn/preview`, { body: { orderId: 'o-preview', amount: eur(3_000) } });
  expect201(await twice('POST', `${member}/adjustments`, { body: { points: 7, reason: 'Goodwill' } }), 'adjustment');
  expect201(await twice('POST', `${member}/nps`, { body: { score: 9, comment: 'Great' } }), 'nps');
  await call('GET', `${member}/export`);
  expect201(await twice('POST', '/v1/purchases', { body: { orderId: 'anon-1', amount: eur(5_000) } }), 'purchase');
  expect201(await call('POST', '/v1/admin/metrics/snapshots', { as: 'admin', body: {} }), 'snapshot');
  await call('GET', '/v1/admin/metrics/snapshots', { as: 'admin' });
  await call('GET', '/v1/admin/metrics/snapshots/latest', { as: 'admin' });
  const program = await call('GET', '/v1/admin/program', { as: 'admin' });
  const rules = Object.fromEntries(
    Object.entries(program.body).filter(([name]) => name !== 'version' && name !== 'updatedAt'),
  );
  // A changed rule writes a new version (the same rules again would write nothing).
  const changed = { ...rules, earn: { ...(rules.earn as Body), pointsPerUnit: 2 } };
  const saved = expect201(await call('PUT', '/v1/admin/program', { as: 'admin', body: changed }), 'program').body;
  await call('GET', `/v1/admin/program/versions/${String(saved.version)}`, { as: 'admin' });
  // The audit log: the changes above, each recorded in its own transaction (AUDIT#<month>).
  await call('GET', '/v1/admin/audit?kind=program.saved', { as: 'admin' });
  // Points lots: a return window and lot expiry from now on. Two new members: their bonus lots are
  // spent whole by a points redemption and by raffle entries bought with points (each deletes a
  // lot), an earn is pending and refunded whole (the refund deletes its lot), another expires in
  // the jobs' run below.
  const lotRules = { ...changed, earn: { ...changed.earn, holdDays: 14 }, expiry: { afterMonths: 1 } };
  expect201(await call('PUT', '/v1/admin/program', { as: 'admin', body: lotRules }), 'program with lots');
  const lotMember = async () =>
    `/v1/members/${field(expect201(await call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } }), 'enrol with lots').body, 'memberId')}`;
  const lots1 = await lotMember();
  expect201(await call('POST', `${lots1}/earn`, { body: { orderId: 'l1', amount: eur(1_000) } }), 'earn pending');
  expect201(await call('POST', `${lots1}/earn`, { body: { orderId: 'l2', amount: eur(2_000) } }), 'earn pending');
  expect201(await call('POST', `${lots1}/redeem`, { body: { rewardId: 'mug' } }), 'redeem reward from a lot');
  expect201(await call('POST', `${lots1}/redeem`, { body: { points: 90 } }), 'redeem the rest of a lot');
  await call('POST', `${lots1}/redeem`, { body: { points: 1 } }); // pending points cannot be spent: 409
  expect201(await call('POST', `${lots1}/refunds`, { body: { orderId: 'l1', amount: eur(1_000) } }), 'refund pending');
  await call('GET', lots1);
  const lots2 = await lotMember();
  expect201(await call('POST', `${lots2}/redeem`, { body: { points: 90 } }), 'redeem from a lot');
  expect201(await call('POST', `${lots2}/redeem`, { body: { rewardId: 'sticker' } }), 'reward from a lot');
  expect201(await call('POST', `${lots2}/raffles/summer/entries`, { body: { count: 5 } }), 'entries spend a lot whole');
  // A member's own app (a member token, through the authorizer): every /v1/me route; its raffle entries
  // spend the rest of the member's bonus lot whole, its redemptions take a limited and an unlimited reward.
  const lots3 = await lotMember();
  const session = expect201(await call('POST', `${lots3}/sessions`), 'member session').body;
  keys.member = field(session, 'token');
  await call('GET', '/v1/me', { as: 'member' });
  await call('GET', '/v1/me/transactions', { as: 'member' });
  await call('GET', '/v1/me/rewards', { as: 'member' });
  expect201(await twice('POST', '/v1/me/redeem', { as: 'member', body: { rewardId: 'mug' } }), 'me: redeem reward');
  expect201(await call('POST', '/v1/me/redeem', { as: 'member', body: { rewardId: 'sticker' } }), 'me: unlimited');
  expect201(await call('POST', `${lots3}/redeem`, { body: { points: 45 } }), 'redeem part of a lot');
  expect201(
    await twice('POST', '/v1/me/raffles/summer/entries', { as: 'member', body: { count: 40 } }),
    'me: entries spend a lot whole',
  );
  await call('GET', '/v1/me/raffles', { as: 'member' });
  // A code reward, the pool's last code and a donation redeemed in the app (11 points given first).
  expect201(await call('POST', `${lots3}/adjustments`, { body: { points: 11, reason: 'Codes' } }), 'me: points');
  expect201(await call('POST', '/v1/me/redeem', { as: 'member', body: { rewardId: 'cause' } }), 'me: a donation');
  expect201(await call('POST', '/v1/me/redeem', { as: 'member', body: { rewardId: 'voucher' } }), 'me: a code');
  expect201(await call('POST', '/v1/me/redeem', { as: 'member', body: { rewardId: 'pooled' } }), 'me: a pool code');
  await call('GET', '/v1/me/codes', { as: 'member' });
  expect201(await call('PATCH', '/v1/me', { as: 'member', body: { consent: { marketing: true } } }), 'me: consent');
  await call('GET', '/v1/me/export', { as: 'member' });
  // Basket rules: an earn reads the budget shards of a rule it could get beside the member and draws
  // on one (an Update); a refund by line gives the rule's points back to the shard (an Update).
  const budgetRules = {
    ...lotRules,
    rules: [
      {
        id: 'fruit-x2',
        name: 'Fruit double points',
        lines: { categories: ['fruit'] },
        effect: { type: 'multiplier', factor: 2 },
        limits: { budgetPoints: 1_000 },
      },
      // A rule for a segment's members: the save reads the segment and counts a naming of segments.
      { id: 'vip-bonus', name: 'VIP bonus', when: { segments: ['vip'] }, effect: { type: 'bonus', points: 1 } },
      // A gift: the earn issues a voucher code; the refund that breaks the rule cancels it.
      {
        id: 'fruit-gift',
        name: 'Fruit gift',
        lines: { skus: ['apple'] },
        when: { minQuantity: 2 },
        effect: { type: 'reward', rewardId: 'voucher' },
      },
    ],
  };
  expect201(await call('PUT', '/v1/admin/program', { as: 'admin', body: budgetRules }), 'program with a budget');
  const basket = await lotMember();
  const lines = [
    { lineId: '1', sku: 'apple', categories: ['fruit'], quantity: 2, amount: eur(2_000) },
    { lineId: '2', sku: 'bread', quantity: 1, amount: eur(1_000) },
  ];
  expect201(
    await call('POST', `${basket}/earn`, { body: { orderId: 'b1', amount: eur(3_000), lines } }),
    'budget draw',
  );
  expect201(
    await call('POST', `${basket}/refunds`, { body: { orderId: 'b1', lines: [{ lineId: '1', quantity: 2 }] } }),
    'budget return',
  );
  const partner = expect201(
    await twice('POST', '/v1/admin/partners', { as: 'admin', body: { name: 'Till', scopes: ['points:earn'] } }),
    'partner',
  ).body;
  await call('GET', '/v1/admin/partners', { as: 'admin' });
  expect201(
    await twice('POST', `/v1/admin/partners/${field(partner, 'partnerId')}/rotate-key`, { as: 'admin' }),
    'rotate key',
  );
  // Changing it rewrites both key items (the one the rotation replaced reads its expiry).
  expect201(
    await call('PATCH', `/v1/admin/partners/${field(partner, 'partnerId')}`, {
      as: 'admin',
      body: { scopes: ['points:earn', 'members:read'], rateLimit: { perSecond: 5, burst: 10 } },
    }),
    'partner changed',
  );
  await call('DELETE', `/v1/admin/partners/${field(partner, 'partnerId')}`, { as: 'admin' });
  // Bulk import: an inline file (members with opening balances, purchase history of one of them and of
  // the member enrolled above, a bad line), run through the worker's plan, a map batch per phase and
  // the completion; then an upload URL, the progress and the bad lines.
  const consent = { marketing: true, analytics: false };
  const ndjson = [
    { kind: 'member', externalId: 'imp-1', consent, points: 120, cashback: eur(300) },
    { kind: 'member', externalId: 'imp-2', email: 'imp2@example.com', consent },
    {
      kind: 'purchase',
      externalId: 'imp-1',
      orderId: 'imp-o1',
      amount: eur(4_000),
      occurredAt: '2026-01-05T10:00:00Z',
    },
    {
      kind: 'purchase',
      externalId: 'crm-2',
      orderId: 'imp-o2',
      amount: eur(2_500),
      occurredAt: '2026-01-06T10:00:00Z',
    },
  ]
    .map((line) => JSON.stringify(line))
    .concat('{"kind":"member",')
    .join('\n');
  const imported = expect201(await twice('POST', '/v1/admin/imports', { as: 'admin', ndjson }), 'import').body;
  const started = startedImports.find((run) => run.importId === field(imported, 'importId'));
  if (!started) throw new Error('the import route did not start its import');
  const { handler: importWorker } = await import('@functions/import-worker');
  const work = (input: unknown) => recorder.as('import-worker', () => importWorker(input));
  const planned = (await work({ action: 'plan', bucket: 'imports', key: started.fileKey })) as Body;
  const manifest = await importFiles().readRange(field(planned, 'manifestKey'), 0, 1_000_000);
  const chunks = JSON.parse(Buffer.from(manifest).toString('utf8')) as unknown[];
  for (const phase of IMPORT_PHASES)
    await work({ Items: chunks, BatchInput: { importId: started.importId, key: started.fileKey, phase } });
  const completed = (await work({ action: 'complete', importId: started.importId })) as Body;
  if (completed.status !== 'done') throw new Error(`import: ${JSON.stringify(completed)}`);
  expect201(
    await twice('POST', '/v1/admin/imports', { as: 'admin', body: { upload: true, size: 100 } }),
    'upload import',
  );
  await call('GET', `/v1/admin/imports/${started.importId}`, { as: 'admin' });
  await call('GET', `/v1/admin/imports/${started.importId}/errors`, { as: 'admin' });
  await call('GET', '/v1/admin/imports', { as: 'admin' });
  // A program simulation of the last day under a draft: the route stores it and hands it to the engine;
  // the same worker then runs the state machine's steps (days of activity, member shards, the sum).
  const simulation = expect201(
    await twice('POST', '/v1/admin/program/simulations', {
      as: 'admin',
      body: {
        program: { ...changed, earn: { ...changed.earn, pointsPerUnit: 3 } },
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 3_600_000).toISOString(),
      },
    }),
    'simulation',
  ).body;
  const simulationId = field(simulation, 'simulationId');
  const steps = (await work({ action: 'simulation-plan', simulationId })) as { days: number[]; shards: number[] };
  for (const day of steps.days) await work({ action: 'simulation-day', simulationId, day });
  for (const shard of steps.shards) await work({ action: 'simulation-shard', simulationId, shard });
  const simulated = (await work({ action: 'simulation-complete', simulationId })) as Body;
  if (simulated.status !== 'done') throw new Error(`simulation: ${JSON.stringify(simulated)}`);
  await call('GET', `/v1/admin/program/simulations/${simulationId}`, { as: 'admin' });
  // Weeks later: the metrics job counts the settled purchases, the pending cashback is due and the
  // inactive members' points expire.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 70 * 86_400_000);
  try {
    const { handler: metricsJob } = await import('@functions/metrics-job');
    await recorder.as('metrics-job', () => metricsJob());
    // The time job, as its daily and hourly schedules invoke it: expiry and the lots, then the
    // scheduled rules (the cashback's hold ended weeks ago: it is announced, and the tier marked).
    const { handler: timeJob } = await import('@functions/time-job');
    await recorder.as('time-job', () => timeJob({ job: 'expiry' }, context('time-job')));
    const announced = (await recorder.as('time-job', () => timeJob({ job: 'time-changes' }, context('time-job')))) as {
      events: Record<string, number>;
    };
    if (!announced.events['cashback.available']) throw new Error(`time changes: ${JSON.stringify(announced)}`);
    expect201(await twice('POST', '/v1/admin/raffles/summer/draw', { as: 'admin' }), 'draw');
    await call('GET', '/v1/admin/raffles/summer/entries', { as: 'admin' });
  } finally {
    vi.useRealTimers();
  }
  // Webhooks, a day after the draw (so the feed holds every event, the draw's raffle.won too): an
  // endpoint on a real receiver, every webhook route, then the stream's fan-out and the deliveries
  // (their Lambda handlers wrap SQS; the table work is in fanOut and deliver).
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 71 * 86_400_000);
  try {
    const hook = expect201(
      await twice('POST', '/v1/admin/webhooks', { as: 'admin', body: { url: receiver.url, types: ['*'] } }),
      'webhook',
    ).body;
    const webhook = `/v1/admin/webhooks/${field(hook, 'webhookId')}`;
    await call('GET', '/v1/admin/webhooks', { as: 'admin' });
    await call('GET', webhook, { as: 'admin' });
    expect201(await call('PATCH', webhook, { as: 'admin', body: { description: 'Till' } }), 'patch webhook');
    expect201(await call('POST', `${webhook}/rotate-secret`, { as: 'admin' }), 'rotate');
    expect201(await call('POST', `${webhook}/test`, { as: 'admin' }), 'test event');
    const feed = expect201(await call('GET', '/v1/events?limit=100'), 'feed').body;
    const events = feed.items as DomainEvent[];
    await recorder.as('event-fanout', () => fanOut(events, { queue: deliveryQueue(), now: () => new Date() }));
    // Member events and the region's own (the test event) alike.
    for (const message of messages) {
      const delivered = await recorder.as('webhook-delivery', () =>
        deliver(message, {
          now: () => new Date(),
          random: () => 0.5,
          retrySchedule: [1],
          policy: { allowLoopback: true },
        }),
      );
      if (delivered.kind !== 'delivered') throw new Error(`delivery: ${JSON.stringify(delivered)}`);
    }
    await call('GET', `/v1/events?memberId=${field(enrolled, 'memberId')}`);
    await call('GET', `${webhook}/deliveries`, { as: 'admin' });
    // A delivery's payload, read where its event is: a member's event and the region's own.
    for (const message of [messages.find((m) => m.memberId), messages.find((m) => !m.memberId)])
      expect201(await call('GET', `${webhook}/deliveries/${message!.eventId}`, { as: 'admin' }), 'delivery payload');
    expect201(await call('POST', `${webhook}/deliveries/${messages[0]!.eventId}/retry`, { as: 'admin' }), 'retry');
    expect201(await call('DELETE', webhook, { as: 'admin' }), 'delete webhook');
  } finally {
    vi.useRealTimers();
  }
  await call('DELETE', member, { as: 'admin' });
  // Readiness is the public function's only table call: one read of the probe key.
  const publicHandler = (await apiHandlers.public()).handler as ApiHandler;
  const ready = await recorder.as('public', () =>
    publicHandler(
      { httpMethod: 'GET', path: '/health/ready', headers: {} } as unknown as APIGatewayProxyEvent,
      context('public'),
    ),
  );
  if (ready.statusCode !== 200) throw new Error(`readiness: ${ready.statusCode} ${ready.body}`);
  useStore(table);
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  useDeliveryQueue(undefined);
  useImportEngine(undefined);
  useSimulationEngine(undefined);
  useSegmentEvaluationEngine(undefined);
  useImportFiles(undefined);
  if (importDirectory) await rm(importDirectory, { recursive: true, force: true });
  vi.unstubAllEnvs();
  useStore(undefined);
  useSessionKeys(undefined);
  useDataKeys(undefined);
});

const entries = Object.keys(tableAccess) as EntryName[];
const requestsOf = (entry: EntryName) => recorder.requests.filter((request) => request.label === entry);
const describeRequest = (request: RecordedRequest) =>
  `${request.label} ${request.command} → ${request.action} on ${request.resource} [${request.partitions.join(', ')}]`;

describe('each function’s policy against the requests its use cases send', () => {
  it('records only requests made inside a function', () => {
    expect(recorder.requests.filter((request) => !(request.label in tableAccess)).map(describeRequest)).toEqual([]);
    expect(recorder.requests.filter((request) => request.action.startsWith('unknown:')).map(describeRequest)).toEqual(
      [],
    );
  });

  it.each(entries)('%s: every request it sent is allowed by its role, down to the partition keys', (entry) => {
    const fn = synthesized.stack.functions[entry];
    const statements = statementsOfFunction(synthesized.template, synthesized.stack, fn);
    const resourceOf = tableResources(logicalIdOf(synthesized.stack, synthesized.stack.table.table));
    const refused = requestsOf(entry).filter((request) => !isAllowed(statements, resourceOf, request));
    expect(refused.map(describeRequest)).toEqual([]);
  });

  it.each(entries)('%s was exercised by the scenario', (entry) => {
    expect(requestsOf(entry).length).toBeGreaterThan(0);
  });

  it('public reads nothing but the readiness probe', () => {
    expect(requestsOf('public').map(describeRequest)).toEqual([
      'public GetCommand → dynamodb:GetItem on table [HEALTH]',
    ]);
  });

  it.each(entries)('%s: every action and partition it is granted is used (no grant outlives its code)', (entry) => {
    const access = tableAccess[entry];
    const sent = requestsOf(entry);
    const unused: string[] = [];
    for (const grant of access.items ?? []) {
      // The membership hook's writes come with whichever member write enters or leaves a segment.
      const covered = (grant.withMemberWrites ? recorder.requests : sent).filter(
        (request) =>
          request.resource === 'table' &&
          grant.actions.some((action) => `dynamodb:${action}` === request.action) &&
          request.partitions.every((partition) => grant.partitions.some((pattern) => stringLike(pattern, partition))),
      );
      // GetItem and BatchGetItem read the same items (READ_ACTIONS): either one uses a read grant.
      const used = (action: string) =>
        READ_ACTIONS.includes(action as ItemAction)
          ? covered.some((request) => READ_ACTIONS.some((read) => request.action === `dynamodb:${read}`))
          : covered.some((request) => request.action === `dynamodb:${action}`);
      for (const action of grant.actions) if (!used(action)) unused.push(`${action} on ${grant.partitions.join(', ')}`);
      for (const pattern of grant.partitions)
        if (!covered.some((request) => request.partitions.some((partition) => stringLike(pattern, partition))))
          unused.push(`${grant.actions.join('/')} on ${pattern}`);
    }
    if (access.scan && !sent.some((request) => request.action === 'dynamodb:Scan')) unused.push('Scan');
    for (const index of access.queryIndexes ?? [])
      if (!sent.some((request) => request.resource === `index/${index}`)) unused.push(`index ${index}`);
    expect(unused).toEqual([]);
  });

  it('would refuse a key item written by any function but admin (the check is live)', () => {
    const resourceOf = tableResources(logicalIdOf(synthesized.stack, synthesized.stack.table.table));
    for (const entry of entries) {
      const statements = statementsOfFunction(
        synthesized.template,
        synthesized.stack,
        synthesized.stack.functions[entry],
      );
      const mint = { action: 'dynamodb:PutItem', resource: 'table', partitions: ['APIKEY#forged'] };
      expect(isAllowed(statements, resourceOf, mint), entry).toBe(entry === 'admin');
    }
  });
});

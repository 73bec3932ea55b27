import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CallInput, type ClientAnswer, type Client } from '@shared/http/client';
import { openApiDocument } from '@shared/http/openapi';
import { EVENT_TYPES } from '@shared/domain/events';
import { PROBLEM_TYPE_BASE } from '@shared/http/problems';
import { routes, type RouteDefinition, type RouteId, type Routes } from '@shared/http/routes';
import { startTestApi, type TestApi } from '../support/api';
import { OpenApiValidator } from '../support/openapi-validator';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The document as integrators use it: two third-party linters on the generated file, then
 * every route called through the typed client (successes and each refusal it can cheaply be
 * made to answer), each answer checked against the document — status, problem type, headers,
 * body — so the document cannot promise less or other than the server does.
 */
const run = promisify(execFile);
const bin = (name: string) => join(process.cwd(), 'node_modules', '.bin', name);
const document = openApiDocument();

let dir: string;
let documentFile: string;
let brokenFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  documentFile = join(dir, 'openapi.json');
  writeFileSync(documentFile, JSON.stringify(document, null, 2));
  // The same document with one operation that has no responses and a dangling reference: both linters must object.
  const broken = structuredClone(document) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  broken.paths['/health']!.get!.responses = { 200: { $ref: '#/components/responses/Nothing' } };
  brokenFile = join(dir, 'broken.json');
  writeFileSync(brokenFile, JSON.stringify(broken, null, 2));
  writeFileSync(join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
});

/** Spectral's errors (severity 0) on a file, with the ruleset spectral:oas. */
async function spectralErrors(file: string) {
  const args = ['lint', file, '--ruleset', join(dir, '.spectral.yaml'), '-f', 'json', '-q'];
  const { stdout } = await run(bin('spectral'), args, { maxBuffer: 10_000_000 }).catch(
    (error: { stdout: string }) => error,
  );
  const results = JSON.parse(stdout) as { severity: number; code: string; path: string[] }[];
  return results.filter((result) => result.severity === 0);
}

/** Redocly's error count on a file, with the ruleset recommended. */
async function redoclyErrors(file: string) {
  const outcome = await run(bin('redocly'), ['lint', file, '--extends', 'recommended', '--format', 'json'], {
    maxBuffer: 10_000_000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  }).catch((error: { stdout: string }) => error);
  return JSON.parse(outcome.stdout) as { totals: { errors: number }; problems: { message: string }[] };
}

describe('the generated document passes the third-party linters', () => {
  it('Spectral (spectral:oas): 0 errors, and it finds the error in a broken copy', async () => {
    expect(await spectralErrors(documentFile)).toEqual([]);
    expect((await spectralErrors(brokenFile)).length).toBeGreaterThan(0);
  });

  it('Redocly (recommended): 0 errors, and it finds the error in a broken copy', async () => {
    const report = await redoclyErrors(documentFile);
    expect(report.totals.errors, JSON.stringify(report.problems.slice(0, 5))).toBe(0);
    expect((await redoclyErrors(brokenFile)).totals.errors).toBeGreaterThan(0);
  });
});

describe('what every route declares for the document', () => {
  it.each(Object.entries(routes as Record<string, RouteDefinition>))(
    '%s has a description, its refusals, and an example the server accepts',
    (_, route) => {
      expect(route.description?.length).toBeGreaterThan(20);
      expect(route.errors).toBeDefined();
      if (route.body) {
        expect(route.example).toBeDefined();
        const parsed = route.body.safeParse(route.example);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }
    },
  );
});

describe('every answer of every route is described by the document', () => {
  let api: TestApi;
  let partner: Client;
  let admin: Client;
  let anonymous: Client;
  let receiver: Receiver;
  const validator = new OpenApiValidator(document);
  const findings: string[] = [];
  const seen = new Map<RouteId, Set<string>>();

  beforeAll(async () => {
    api = await startTestApi({ cashback: { holdDays: 0 } });
    partner = createClient({ baseUrl: api.url, apiKey: api.partnerKey });
    admin = createClient({ baseUrl: api.url, apiKey: api.adminKey });
    anonymous = createClient({ baseUrl: api.url });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await api?.stop();
  });

  /** Calls a route, checks the answer against the document, and records what it answered. */
  async function call<Id extends RouteId>(
    client: Client,
    routeId: Id,
    input: CallInput<Routes[Id]>,
    expected: { status: number; type?: string },
  ): Promise<ClientAnswer<Routes[Id]>> {
    const answer = await client.call(routeId, input);
    const route: RouteDefinition = routes[routeId];
    findings.push(...validator.check(route.method, route.path, answer));
    const type = answer.ok ? undefined : answer.body.type.replace(PROBLEM_TYPE_BASE, '');
    expect({ routeId, status: answer.status, type }, answer.text).toEqual({
      routeId,
      status: expected.status,
      type: expected.type,
    });
    seen.set(routeId, (seen.get(routeId) ?? new Set()).add(`${answer.status}${type ? ` ${type}` : ''}`));
    return answer;
  }

  const eur = (value: number) => ({ value, currency: 'EUR' });

  it('answers successes and refusals exactly as documented', async () => {
    // Before any snapshot: 404.
    await call(admin, 'latestSnapshot', {}, { status: 404, type: 'snapshot-not-found' });

    const enrolment = { externalId: 'crm-1', email: 'ada@example.com', consent: { marketing: true, analytics: true } };
    const created = await call(
      partner,
      'createMember',
      { body: enrolment, idempotencyKey: 'enrol-1' },
      { status: 201 },
    );
    if (!created.ok) throw new Error('enrolment failed');
    const memberId = created.body.memberId;
    const params = { memberId };
    const replay = await call(partner, 'createMember', { body: enrolment, idempotencyKey: 'enrol-1' }, { status: 201 });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(created.text);
    await call(
      partner,
      'createMember',
      { body: { ...enrolment, email: 'other@example.com' }, idempotencyKey: 'enrol-1' },
      { status: 422, type: 'idempotency-key-reuse' },
    );
    await call(partner, 'createMember', { body: enrolment }, { status: 409, type: 'external-id-taken' });
    await call(
      partner,
      'createMember',
      { body: { consent: enrolment.consent, referralCode: 'NOSUCHCODE' } },
      { status: 400, type: 'unknown-referral-code' },
    );
    await call(
      partner,
      'createMember',
      { body: { ...enrolment, email: 'not-an-email' } },
      { status: 400, type: 'validation-error' },
    );
    await call(
      partner,
      'createMember',
      { body: enrolment, idempotencyKey: null },
      { status: 400, type: 'missing-idempotency-key' },
    );
    await call(partner, 'createMember', { body: enrolment, rawBody: '{' }, { status: 400, type: 'malformed-json' });
    await call(
      partner,
      'createMember',
      { body: enrolment, rawBody: 'consent=yes', headers: { 'Content-Type': 'text/plain' } },
      { status: 415, type: 'unsupported-media-type' },
    );
    await call(
      partner,
      'createMember',
      { body: enrolment, rawBody: JSON.stringify({ ...enrolment, name: 'x'.repeat(70_000) }) },
      { status: 413, type: 'payload-too-large' },
    );
    await call(anonymous, 'getMember', { params }, { status: 401, type: 'unauthorized' });

    await call(partner, 'getMember', { params }, { status: 200 });
    await call(partner, 'getMember', { params: { memberId: 'mem_nobody' } }, { status: 404, type: 'member-not-found' });
    await call(partner, 'getMember', { params: { memberId: 'bad id' } }, { status: 400, type: 'validation-error' });

    await call(partner, 'earnPoints', { params, body: { orderId: 'o-1', amount: eur(12_000) } }, { status: 201 });
    await call(partner, 'earnPoints', { params, body: { orderId: 'o-2', amount: eur(8_000) } }, { status: 201 });
    await call(
      partner,
      'earnPoints',
      { params, body: { orderId: 'o-1', amount: eur(12_000) } },
      { status: 409, type: 'duplicate-order' },
    );
    await call(
      partner,
      'earnPoints',
      { params, body: { orderId: 'o-3', amount: { value: 100, currency: 'USD' } } },
      { status: 400, type: 'currency-mismatch' },
    );
    await call(
      partner,
      'earnPoints',
      {
        params,
        body: { orderId: 'o-4', amount: eur(100), occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
      },
      { status: 400, type: 'occurred-at-out-of-range' },
    );
    await call(
      partner,
      'earnPoints',
      { params, body: { orderId: 'o-5', amount: eur(0) } },
      { status: 400, type: 'validation-error' },
    );

    // Lookup, PATCH, transaction by id, preview and adjustments (v1.1).
    await call(partner, 'findMembers', { query: { externalId: 'crm-1' } }, { status: 200 });
    await call(partner, 'findMembers', { query: { email: 'ADA@example.com' } }, { status: 200 });
    await call(partner, 'findMembers', {}, { status: 400, type: 'validation-error' });
    await call(admin, 'listMembers', { query: { limit: 5, tier: 'member' } }, { status: 200 });
    await call(partner, 'listMembers', {}, { status: 403, type: 'forbidden' });
    await call(
      admin,
      'listMembers',
      { query: { from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' } },
      { status: 400, type: 'validation-error' },
    );
    await call(
      partner,
      'updateMember',
      { params, body: { name: 'Ada L.', consent: { analytics: false } } },
      { status: 200 },
    );
    const other = await call(
      partner,
      'createMember',
      { body: { externalId: 'crm-2', consent: enrolment.consent } },
      { status: 201 },
    );
    if (!other.ok) throw new Error('no second member');
    const taken = await call(
      partner,
      'updateMember',
      { params: { memberId: other.body.memberId }, body: { externalId: 'crm-1' } },
      { status: 409, type: 'external-id-taken' },
    );
    expect(taken.ok ? undefined : taken.body.memberId).toBe(memberId);
    await call(partner, 'previewEarn', { params, body: { orderId: 'o-p', amount: eur(5_000) } }, { status: 200 });
    await call(
      partner,
      'previewEarn',
      { params, body: { orderId: 'o-1', amount: eur(5_000) } },
      { status: 409, type: 'duplicate-order' },
    );
    const adjusted = await call(
      partner,
      'adjustBalance',
      { params, body: { points: 10, reason: 'Goodwill', reference: 'ticket-1' } },
      { status: 201 },
    );
    if (!adjusted.ok) throw new Error('no adjustment');
    await call(
      partner,
      'adjustBalance',
      { params, body: { points: -10_000_000, reason: 'Too much' } },
      { status: 409, type: 'insufficient-points' },
    );
    await call(
      partner,
      'getTransaction',
      { params: { ...params, transactionId: adjusted.body.transactionId } },
      { status: 200 },
    );
    await call(
      partner,
      'getTransaction',
      { params: { ...params, transactionId: 'nothing' } },
      { status: 404, type: 'transaction-not-found' },
    );

    const page = await call(partner, 'listTransactions', { params, query: { limit: 1 } }, { status: 200 });
    if (!page.ok || !page.body.nextCursor) throw new Error('expected a second page');
    await call(partner, 'listTransactions', { params, query: { cursor: page.body.nextCursor } }, { status: 200 });
    await call(
      partner,
      'listTransactions',
      { params, query: { cursor: `${page.body.nextCursor}x` } },
      { status: 400, type: 'validation-error' },
    );
    await call(partner, 'exportMember', { params }, { status: 200 });

    await call(
      admin,
      'putReward',
      { params: { rewardId: 'mug' }, body: { name: 'Mug', pointsCost: 10 } },
      { status: 201 },
    );
    await call(
      admin,
      'putReward',
      { params: { rewardId: 'mug' }, body: { name: 'Mug', pointsCost: 10, stock: 3 } },
      { status: 200 },
    );
    await call(
      admin,
      'putReward',
      { params: { rewardId: 'cup' }, body: { name: 'Cup', pointsCost: 10, minTier: 'diamond' } },
      { status: 400, type: 'unknown-tier' },
    );
    await call(
      partner,
      'putReward',
      { params: { rewardId: 'cup' }, body: { name: 'Cup', pointsCost: 10 } },
      { status: 403, type: 'forbidden' },
    );
    await call(partner, 'listRewards', { query: { limit: 10 } }, { status: 200 });

    await call(partner, 'redeemPoints', { params, body: { points: 5 } }, { status: 201 });
    await call(partner, 'redeemPoints', { params, body: { rewardId: 'mug' } }, { status: 201 });
    await call(
      partner,
      'redeemPoints',
      { params, body: { points: 1_000_000 } },
      { status: 409, type: 'insufficient-points' },
    );
    await call(
      partner,
      'redeemPoints',
      { params, body: { rewardId: 'nothing' } },
      { status: 404, type: 'reward-not-found' },
    );
    // Points with a rewardId is a donation: refused for a reward that is not one.
    await call(
      partner,
      'redeemPoints',
      { params, body: { points: 5, rewardId: 'mug' } },
      { status: 400, type: 'not-a-donation' },
    );
    const three = { points: 5, rewardId: 'mug', count: 1 } as unknown as CallInput<Routes['redeemPoints']>['body'];
    await call(partner, 'redeemPoints', { params, body: three }, { status: 400, type: 'validation-error' });

    // Reward codes: issue, the till's three calls, the member's list, cancel, a pool and its counts, a donation.
    const voucher = { type: 'code' as const, source: 'generated' as const, validDays: 30, chargeOn: 'issue' as const };
    await call(
      admin,
      'putReward',
      { params: { rewardId: 'voucher' }, body: { name: 'Voucher', pointsCost: 5, fulfilment: voucher } },
      { status: 201 },
    );
    const issued = await call(partner, 'redeemPoints', { params, body: { rewardId: 'voucher' } }, { status: 201 });
    const { code, codeId } = (issued.body as { code: { code: string; codeId: string } }).code;
    await call(partner, 'validateCode', { body: { code } }, { status: 200 });
    await call(partner, 'useCode', { body: { code, orderId: 'till:1' } }, { status: 200 });
    await call(partner, 'useCode', { body: { code, orderId: 'till:2' } }, { status: 409, type: 'code-used' });
    await call(
      partner,
      'useCode',
      { body: { code: 'NO-SUCH-CODE', orderId: 'till:2' } },
      { status: 404, type: 'code-not-found' },
    );
    await call(
      partner,
      'releaseCode',
      { body: { code, orderId: 'till:2' } },
      { status: 409, type: 'code-not-used-for-order' },
    );
    await call(partner, 'releaseCode', { body: { code, orderId: 'till:1' } }, { status: 200 });
    await call(partner, 'listMemberCodes', { params, query: { status: 'issued' } }, { status: 200 });
    await call(partner, 'cancelMemberCode', { params: { ...params, codeId }, body: { reason: 'r' } }, { status: 200 });
    await call(
      partner,
      'cancelMemberCode',
      { params: { ...params, codeId }, body: { reason: 'r' } },
      { status: 409, type: 'code-cancelled' },
    );
    await call(partner, 'useCode', { body: { code, orderId: 'till:3' } }, { status: 409, type: 'code-cancelled' });
    await call(admin, 'rewardCodeStats', { params: { rewardId: 'voucher' } }, { status: 200 });
    await call(
      admin,
      'rewardCodeStats',
      { params: { rewardId: 'nothing' } },
      { status: 404, type: 'reward-not-found' },
    );
    await call(
      admin,
      'uploadPoolCodes',
      { params: { rewardId: 'voucher' }, body: { codes: ['ABCD-1'] } },
      { status: 409, type: 'not-a-pool-reward' },
    );
    await call(
      admin,
      'uploadPoolCodes',
      { params: { rewardId: 'voucher' }, body: { codes: ['AB'] } },
      { status: 400, type: 'validation-error' },
    );
    const pool = { type: 'code' as const, source: 'pool' as const, validDays: 30, chargeOn: 'use' as const };
    await call(
      admin,
      'putReward',
      { params: { rewardId: 'pooled' }, body: { name: 'Pool', pointsCost: 5, fulfilment: pool } },
      { status: 201 },
    );
    await call(
      admin,
      'uploadPoolCodes',
      { params: { rewardId: 'pooled' }, body: { codes: ['POOL-1'] } },
      { status: 201 },
    );
    await call(partner, 'redeemPoints', { params, body: { rewardId: 'pooled' } }, { status: 201 });
    await call(
      partner,
      'redeemPoints',
      { params, body: { rewardId: 'pooled' } },
      { status: 409, type: 'reward-out-of-stock' },
    );
    await call(partner, 'validateCode', { body: { code: 'POOL-1' } }, { status: 200 });
    // Campaigns: saved, replaced, read, listed, deleted; an unknown reward or segment refused at its path.
    await call(
      admin,
      'putSegment',
      { params: { segmentId: 'lapsed' }, body: { name: 'Lapsed', list: true } },
      { status: 201 },
    );
    const campaign = {
      name: 'Win-back',
      segmentId: 'lapsed',
      startsAt: '2026-01-01T00:00:00.000Z',
      effect: { type: 'multiplier' as const, factor: 3, days: 30 },
    };
    const winBack = { campaignId: 'win-back' };
    await call(admin, 'putCampaign', { params: winBack, body: campaign }, { status: 201 });
    await call(admin, 'putCampaign', { params: winBack, body: { ...campaign, name: 'Win-back x3' } }, { status: 200 });
    await call(
      admin,
      'putCampaign',
      { params: winBack, body: { ...campaign, effect: { type: 'reward', rewardId: 'nothing' } } },
      { status: 400, type: 'unknown-reward' },
    );
    await call(
      admin,
      'putCampaign',
      { params: winBack, body: { ...campaign, segmentId: 'nowhere' } },
      { status: 400, type: 'unknown-segment' },
    );
    await call(admin, 'getCampaign', { params: winBack }, { status: 200 });
    await call(admin, 'listCampaigns', { query: { limit: 10 } }, { status: 200 });
    await call(admin, 'deleteCampaign', { params: winBack }, { status: 204 });
    await call(admin, 'getCampaign', { params: winBack }, { status: 404, type: 'campaign-not-found' });
    const cause = { type: 'donation' as const, cause: 'Trees' };
    await call(
      admin,
      'putReward',
      { params: { rewardId: 'cause' }, body: { name: 'Cause', pointsCost: 2, fulfilment: cause } },
      { status: 201 },
    );
    await call(
      partner,
      'redeemPoints',
      { params, body: { rewardId: 'cause', points: 1 } },
      { status: 400, type: 'donation-below-minimum' },
    );
    await call(partner, 'redeemPoints', { params, body: { rewardId: 'cause', points: 3 } }, { status: 201 });

    await call(partner, 'creditCashback', { params, body: { orderId: 'o-1', amount: eur(12_000) } }, { status: 201 });
    await call(partner, 'redeemCashback', { params, body: { amount: eur(10) } }, { status: 201 });
    await call(
      partner,
      'redeemCashback',
      { params, body: { amount: eur(100_000_000) } },
      { status: 409, type: 'insufficient-cashback' },
    );
    await call(partner, 'refundPurchase', { params, body: { orderId: 'o-1', amount: eur(2_000) } }, { status: 201 });
    await call(
      partner,
      'refundPurchase',
      { params, body: { orderId: 'o-9', amount: eur(2_000) } },
      { status: 404, type: 'order-not-found' },
    );
    await call(
      partner,
      'refundPurchase',
      { params, body: { orderId: 'o-2', amount: eur(9_000) } },
      { status: 409, type: 'refund-exceeds-order' },
    );

    await call(partner, 'answerNps', { params, body: { score: 9 } }, { status: 201 });
    await call(partner, 'recordPurchase', { body: { orderId: 'anon-1', amount: eur(5_000) } }, { status: 201 });
    await call(
      partner,
      'recordPurchase',
      { body: { orderId: 'anon-1', amount: eur(5_000) } },
      { status: 409, type: 'duplicate-order' },
    );

    await call(admin, 'createSnapshot', { body: {} }, { status: 201 });
    await call(admin, 'latestSnapshot', {}, { status: 200 });
    await call(admin, 'listSnapshots', { query: { limit: 5 } }, { status: 200 });
    await call(
      admin,
      'listSnapshots',
      { query: { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
      { status: 400, type: 'validation-error' },
    );

    const program = await call(admin, 'getProgram', {}, { status: 200 });
    if (!program.ok) throw new Error('no program');
    const { version, updatedAt: _updatedAt, ...rules } = program.body;
    await call(admin, 'putProgram', { body: rules }, { status: 200 });
    const changed = { ...rules, bonuses: { ...rules.bonuses, birthday: 77 } };
    await call(
      admin,
      'putProgram',
      { body: changed, headers: { 'If-Match': `"${version + 1}"` } },
      { status: 412, type: 'program-precondition-failed' },
    );
    await call(
      admin,
      'putProgram',
      { body: { ...changed, version }, headers: { 'If-Match': `"${version}"` } },
      { status: 200 },
    );
    await call(admin, 'putProgram', { body: { ...rules, version } }, { status: 409, type: 'program-conflict' });
    await call(admin, 'getProgramVersion', { params: { version } }, { status: 200 });
    await call(
      admin,
      'getProgramVersion',
      { params: { version: 999 } },
      { status: 404, type: 'program-version-not-found' },
    );
    await call(admin, 'listPartners', { query: { limit: 5 } }, { status: 200 });
    await call(admin, 'listAudit', { query: { limit: 5, kind: 'program.saved' } }, { status: 200 });
    await call(
      admin,
      'listAudit',
      { query: { from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' } },
      { status: 400, type: 'validation-error' },
    );

    const newPartner = await call(
      admin,
      'createPartner',
      { body: { name: 'Shop', scopes: ['members:read'] } },
      { status: 201 },
    );
    if (!newPartner.ok) throw new Error('no partner');
    const partnerParams = { partnerId: newPartner.body.partnerId };
    await call(admin, 'rotatePartnerKey', { params: partnerParams }, { status: 200 });
    await call(
      admin,
      'updatePartner',
      { params: partnerParams, body: { scopes: ['members:read', 'events:read'] } },
      { status: 200 },
    );
    await call(admin, 'updatePartner', { params: partnerParams, body: {} }, { status: 400, type: 'validation-error' });
    await call(
      admin,
      'updatePartner',
      { params: { partnerId: 'local-admin' }, body: { rateLimit: { perSecond: 1, burst: 1 } } },
      { status: 409, type: 'admin-key-unscoped' },
    );
    await call(admin, 'deletePartner', { params: partnerParams }, { status: 204 });
    await call(
      admin,
      'updatePartner',
      { params: partnerParams, body: { name: 'Gone' } },
      { status: 404, type: 'partner-not-found' },
    );
    await call(admin, 'deletePartner', { params: partnerParams }, { status: 404, type: 'partner-not-found' });
    await call(admin, 'rotatePartnerKey', { params: partnerParams }, { status: 404, type: 'partner-not-found' });

    // Imports: an upload URL (the file itself goes to storage, not the API), its progress and bad lines.
    const started = await call(admin, 'createImport', { body: { upload: true, size: 100 } }, { status: 202 });
    if (!started.ok) throw new Error('no import');
    const importParams = { importId: started.body.importId };
    await call(admin, 'getImport', { params: importParams }, { status: 200 });
    await call(admin, 'listImports', { query: { limit: 5 } }, { status: 200 });
    await call(admin, 'listImportErrors', { params: importParams, query: { limit: 5 } }, { status: 200 });
    await call(admin, 'getImport', { params: { importId: 'imp_unknown' } }, { status: 404, type: 'import-not-found' });
    await call(
      admin,
      'listImportErrors',
      { params: { importId: 'imp_unknown' }, query: {} },
      { status: 404, type: 'import-not-found' },
    );

    // Simulations: a draft over the last day runs in the background; its figures, an unknown one, a bad period.
    const day = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };
    const simulation = await call(admin, 'createSimulation', { body: { program: rules, ...day } }, { status: 202 });
    if (!simulation.ok) throw new Error('no simulation');
    await api.simulations.idle();
    await call(admin, 'getSimulation', { params: { simulationId: simulation.body.simulationId } }, { status: 200 });
    await call(
      admin,
      'getSimulation',
      { params: { simulationId: 'sim_unknown' } },
      { status: 404, type: 'simulation-not-found' },
    );
    await call(
      admin,
      'createSimulation',
      { body: { program: rules, from: day.to, to: day.from } },
      { status: 400, type: 'validation-error' },
    );

    // Jobs run in the request locally (200); an unknown job is refused at its path parameter.
    await call(admin, 'runJob', { params: { job: 'time-changes' } }, { status: 200 });
    await call(admin, 'runJob', { params: { job: 'reminders' } }, { status: 200 });
    await call(admin, 'runJob', { params: { job: 'defrag' as 'metrics' } }, { status: 400, type: 'validation-error' });

    // Raffles: one open now (entries bought with points), one already closed (drawn at once).
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const raffle = (opensAt: string, closesAt: string) => ({
      name: 'Raffle',
      opensAt,
      closesAt,
      entries: { pointsPerEntry: 1, maxPerMember: 5 },
      prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 1 }],
    });
    const openRaffle = raffle(at(-60_000), at(3_600_000));
    const open = { raffleId: 'open' };
    const past = { raffleId: 'past' };
    await call(admin, 'putRaffle', { params: open, body: openRaffle }, { status: 201 });
    await call(admin, 'putRaffle', { params: open, body: { ...openRaffle, name: 'Open raffle' } }, { status: 200 });
    await call(
      admin,
      'putRaffle',
      { params: open, body: { ...openRaffle, entries: { pointsPerEntry: 2 } } },
      { status: 409, type: 'raffle-rules-locked' },
    );
    await call(admin, 'putRaffle', { params: past, body: raffle(at(-7_200_000), at(-3_600_000)) }, { status: 201 });
    await call(partner, 'listRaffles', { query: { limit: 10 } }, { status: 200 });
    await call(partner, 'getRaffle', { params: open }, { status: 200 });
    await call(partner, 'getRaffle', { params: { raffleId: 'nothing' } }, { status: 404, type: 'raffle-not-found' });
    await call(partner, 'buyRaffleEntries', { params: { ...params, ...open }, body: { count: 2 } }, { status: 201 });
    await call(
      partner,
      'buyRaffleEntries',
      { params: { ...params, ...open }, body: { count: 4 } },
      { status: 409, type: 'raffle-entry-limit' },
    );
    await call(
      partner,
      'buyRaffleEntries',
      { params: { ...params, ...past }, body: { count: 1 } },
      { status: 409, type: 'raffle-not-open' },
    );
    await call(partner, 'listMemberRaffles', { params }, { status: 200 });
    await call(admin, 'drawRaffle', { params: open }, { status: 409, type: 'raffle-not-closed' });
    await call(admin, 'drawRaffle', { params: past }, { status: 201 });
    await call(admin, 'listRaffleEntries', { params: open }, { status: 200 });

    // Events and webhooks, delivered to a real receiver.
    await call(partner, 'listEvents', { query: { limit: 5 } }, { status: 200 });
    const hook = await call(admin, 'createWebhook', { body: { url: receiver.url, types: ['*'] } }, { status: 201 });
    if (!hook.ok) throw new Error('no webhook');
    const hookParams = { webhookId: hook.body.webhookId };
    await call(
      admin,
      'createWebhook',
      { body: { url: 'http://10.0.0.1/hook', types: ['*'] } },
      { status: 400, type: 'forbidden-webhook-url' },
    );
    await call(admin, 'listWebhooks', {}, { status: 200 });
    await call(admin, 'getWebhook', { params: hookParams }, { status: 200 });
    await call(admin, 'patchWebhook', { params: hookParams, body: { description: 'Shop' } }, { status: 200 });
    await call(admin, 'rotateWebhookSecret', { params: hookParams }, { status: 200 });
    const test = await call(admin, 'testWebhook', { params: hookParams }, { status: 202 });
    if (!test.ok) throw new Error('no test event');
    await receiver.waitFor((all) => all.some((request) => request.headers['webhook-id'] === test.body.eventId));
    for (let tries = 0; ; tries++) {
      const deliveries = await call(admin, 'listDeliveries', { params: hookParams }, { status: 200 });
      if (deliveries.ok && deliveries.body.items.length > 0) break;
      if (tries > 50) throw new Error('no delivery recorded');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await call(admin, 'getDelivery', { params: { ...hookParams, eventId: test.body.eventId } }, { status: 200 });
    await call(
      admin,
      'getDelivery',
      { params: { ...hookParams, eventId: 'evt_00000000000000000000000000' } },
      { status: 404, type: 'delivery-not-found' },
    );
    await call(admin, 'retryDelivery', { params: { ...hookParams, eventId: test.body.eventId } }, { status: 202 });
    await call(admin, 'deleteWebhook', { params: hookParams }, { status: 204 });
    await call(admin, 'getWebhook', { params: hookParams }, { status: 404, type: 'webhook-not-found' });

    // The member's own app: a session, then every /v1/me route with its token (and a key refused there).
    const session = await call(partner, 'createMemberSession', { params }, { status: 201 });
    if (!session.ok) throw new Error('no session');
    const member = createClient({ baseUrl: api.url, apiKey: session.body.token });
    await call(partner, 'getMe', {}, { status: 403, type: 'forbidden' });
    await call(member, 'getMember', { params }, { status: 403, type: 'forbidden' });
    await call(member, 'getMe', {}, { status: 200 });
    await call(member, 'listMyTransactions', { query: { limit: 2 } }, { status: 200 });
    await call(member, 'listMyRewards', {}, { status: 200 });
    await call(member, 'redeemMyReward', { body: { rewardId: 'nothing' } }, { status: 404, type: 'reward-not-found' });
    await call(member, 'redeemMyReward', { body: { rewardId: 'mug' } }, { status: 201 });
    await call(member, 'listMyRaffles', {}, { status: 200 });
    await call(member, 'listMyCodes', { query: { status: 'issued' } }, { status: 200 });
    await call(member, 'buyMyRaffleEntries', { params: open, body: { count: 1 } }, { status: 201 });
    await call(member, 'updateMe', { body: { consent: { marketing: false } } }, { status: 200 });
    await call(
      member,
      'updateMe',
      { body: { email: 'eve@example.com' } as never },
      { status: 400, type: 'validation-error' },
    );
    await call(member, 'exportMe', {}, { status: 200 });

    // Segments: a rules segment (evaluated in the background), a list segment and its member, the refusals.
    const winback = { segmentId: 'winback' };
    const segmentRules = { all: [{ field: 'purchases.count' as const, op: 'gte' as const, value: 1 }] };
    await call(
      admin,
      'putSegment',
      { params: winback, body: { name: 'Win-back', rules: segmentRules } },
      { status: 202 },
    );
    await call(
      admin,
      'putSegment',
      { params: winback, body: { name: 'Win-back', rules: segmentRules } },
      { status: 200 },
    );
    await call(
      admin,
      'putSegment',
      { params: winback, body: { name: 'X', rules: { all: [{ field: 'tier', op: 'in', value: ['nothing'] }] } } },
      { status: 400, type: 'unknown-tier' },
    );
    await call(
      admin,
      'putSegment',
      {
        params: winback,
        body: {
          name: 'X',
          rules: { all: [{ field: 'spend.rolling12m', op: 'gte', value: { value: 1, currency: 'USD' } }] },
        },
      },
      { status: 400, type: 'currency-mismatch' },
    );
    const vip = { segmentId: 'vip' };
    await call(admin, 'putSegment', { params: vip, body: { name: 'VIP', list: true } }, { status: 201 });
    await call(
      admin,
      'changeSegmentMember',
      { params: vip, body: { memberId: params.memberId, action: 'add' } },
      { status: 200 },
    );
    await call(
      admin,
      'changeSegmentMember',
      { params: winback, body: { memberId: params.memberId, action: 'add' } },
      { status: 400, type: 'segment-not-a-list' },
    );
    await call(
      admin,
      'changeSegmentMember',
      { params: { segmentId: 'nothing' }, body: { memberId: params.memberId, action: 'add' } },
      { status: 404, type: 'segment-not-found' },
    );
    await call(admin, 'listSegments', {}, { status: 200 });
    await call(admin, 'getSegment', { params: vip }, { status: 200 });
    await call(admin, 'getSegment', { params: { segmentId: 'nothing' } }, { status: 404, type: 'segment-not-found' });
    await call(admin, 'listSegmentMembers', { params: vip }, { status: 200 });
    await call(partner, 'listMemberSegments', { params }, { status: 200 });
    await call(admin, 'deleteSegment', { params: vip }, { status: 204 });
    await call(admin, 'deleteSegment', { params: vip }, { status: 404, type: 'segment-not-found' });

    await call(admin, 'eraseMember', { params }, { status: 204 });
    await call(member, 'getMe', {}, { status: 401, type: 'unauthorized' });
    await call(partner, 'getMember', { params }, { status: 409, type: 'member-erased' });
    await call(partner, 'listTransactions', { params }, { status: 409, type: 'member-erased' });
    await call(partner, 'exportMember', { params }, { status: 409, type: 'member-erased' });

    expect(findings).toEqual([]);
    // Every route of the table was called and answered a success.
    for (const routeId of Object.keys(routes) as RouteId[]) {
      const statuses = [...(seen.get(routeId) ?? [])];
      expect(
        statuses.some((status) => status.startsWith('2')),
        `${routeId} answered ${statuses.join(', ') || 'nothing'}`,
      ).toBe(true);
    }
  });

  it('documents the answers outside the operations: health, readiness, the document, the JWKS, 404 and 405', async () => {
    const observe = async (method: string, path: string) => {
      const response = await fetch(api.url + path, { method });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const found = [
      ...validator.check('GET', '/health', await observe('GET', '/health')),
      ...validator.check('GET', '/health/ready', await observe('GET', '/health/ready')),
      ...validator.check('GET', '/openapi.json', await observe('GET', '/openapi.json')),
      ...validator.check('GET', '/.well-known/jwks.json', await observe('GET', '/.well-known/jwks.json')),
      ...validator.checkShared('NotFound', await observe('GET', '/v1/nothing-here')),
      ...validator.checkShared('MethodNotAllowed', await observe('PUT', '/v1/members')),
    ];
    expect(found).toEqual([]);
  });

  it('types every event of the feed and every webhook delivery by its entry under webhooks', async () => {
    expect(Object.keys(document.webhooks as Record<string, unknown>).sort()).toEqual([...EVENT_TYPES].sort());
    const events: unknown[] = [];
    for (let after: string | undefined, page = 0; page < 50; page++) {
      const answer = await call(
        partner,
        'listEvents',
        { query: { limit: 100, ...(after ? { after } : {}) } },
        { status: 200 },
      );
      if (!answer.ok || answer.body.items.length === 0) break;
      events.push(...answer.body.items);
      after = answer.body.nextCursor;
    }
    const delivered = receiver.received.map((request) => JSON.parse(request.body) as unknown);
    expect(events.length).toBeGreaterThan(10);
    expect(delivered.length).toBeGreaterThan(0);
    expect([...events, ...delivered].flatMap((event) => validator.checkEvent(event))).toEqual([]);
    // The check is live: an event whose data is not its type's is caught.
    const earned = events.find((event) => (event as { type: string }).type === 'points.earned') as Record<
      string,
      unknown
    >;
    expect(validator.checkEvent({ ...earned, data: { points: 'many' } })).not.toEqual([]);
  });

  it('documents OPTIONS, 401 with WWW-Authenticate, If-Match, the servers it is served from, and empty PATCH bodies', async () => {
    const observe = async (method: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(api.url + path, { ...init, method });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const preflight = { headers: { Origin: 'http://127.0.0.1:9', 'Access-Control-Request-Method': 'POST' } };
    const unauthorized = await observe('GET', '/v1/rewards');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer realm="rewards-api"');
    expect([
      ...validator.check('OPTIONS', '/v1/members', await observe('OPTIONS', '/v1/members', preflight)),
      ...validator.check('OPTIONS', '/v1/members/{memberId}', await observe('OPTIONS', '/v1/members/mem_x', preflight)),
      ...validator.check('OPTIONS', '/health', await observe('OPTIONS', '/health')),
      ...validator.check('GET', '/v1/rewards', unauthorized),
    ]).toEqual([]);

    // servers names the origin the document was fetched from (here a free port, not 3000).
    const served = JSON.parse((await observe('GET', '/openapi.json')).text) as { servers: { url: string }[] };
    expect(served.servers.map((server) => server.url)).toEqual([api.url]);

    const paths = document.paths as Record<
      string,
      Record<string, { parameters?: unknown[]; requestBody?: { required: boolean } }>
    >;
    expect(paths['/v1/admin/program']!.put!.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    // An empty body reads as {}: the member PATCH takes it (not required), the webhook PATCH refuses it (required).
    expect(paths['/v1/members/{memberId}']!.patch!.requestBody!.required).toBe(false);
    expect(paths['/v1/admin/webhooks/{webhookId}']!.patch!.requestBody!.required).toBe(true);
    const member = await call(
      partner,
      'createMember',
      { body: { consent: { marketing: false, analytics: false } } },
      { status: 201 },
    );
    if (!member.ok) throw new Error('no member');
    const patch = { method: 'PATCH', headers: { Authorization: `Bearer ${api.partnerKey}` } };
    expect((await fetch(`${api.url}/v1/members/${member.body.memberId}`, patch)).status).toBe(200);
    const hook = await call(
      admin,
      'createWebhook',
      { body: { url: receiver.url, types: ['tier.changed'] } },
      { status: 201 },
    );
    if (!hook.ok) throw new Error('no webhook');
    await call(
      admin,
      'patchWebhook',
      { params: { webhookId: hook.body.webhookId }, body: {} },
      { status: 400, type: 'validation-error' },
    );
  });

  it('catches an answer the document does not describe (the check is live)', () => {
    const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': 'r-1' });
    expect(validator.check('GET', '/health', { status: 418, headers, text: '{}' })).toHaveLength(1);
    expect(validator.check('GET', '/health', { status: 200, headers, text: '{"status":"down"}' })).toHaveLength(1);
    expect(validator.check('GET', '/health', { status: 200, headers: new Headers(), text: '' })).not.toEqual([]);
    headers.set('x-debug', '1');
    expect(validator.check('GET', '/health', { status: 200, headers, text: '{"status":"ok"}' })).toEqual([
      'GET /health → 200: undocumented header x-debug',
    ]);
  });
});

/**
 * Reward codes in the bench (issue #26): the till's validate (reads: calls, round trips, items
 * read, read units) and use (round trips, write units) of a code charged at issue and of one
 * charged at use, counted through the recorder; and 100 concurrent uses of one code from
 * different orders: exactly one may succeed, every other answer must be a 409 code-used, all
 * within the request deadline.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pool, type ApiClient } from './api-client';
import { roundTrips, type DynamoCall, type DynamoRecorder } from './dynamo-recorder';

export interface CodeOpFigures {
  calls: number;
  roundTrips: number;
  itemsRead: number;
  rru: number;
  wru: number;
}

export interface CodesResult {
  validate: CodeOpFigures;
  useChargedAtIssue: CodeOpFigures;
  useChargedAtUse: CodeOpFigures;
  concurrentUses: {
    requests: number;
    succeeded: number;
    codeUsed: number;
    other: Record<string, number>;
    slowestMs: number;
  };
}

/** The authorizer's key lookup is cached by API Gateway on AWS: not counted. */
const own = (calls: DynamoCall[]) =>
  calls.filter(
    (call) => !(call.partitionKeys.length > 0 && call.partitionKeys.every((pk) => pk.startsWith('APIKEY#'))),
  );

const figures = (calls: DynamoCall[]): CodeOpFigures => {
  const mine = own(calls);
  return {
    calls: mine.length,
    roundTrips: roundTrips(mine),
    itemsRead: mine.reduce((sum, call) => sum + call.itemsRead, 0),
    rru: Number(mine.reduce((sum, call) => sum + call.rru, 0).toFixed(1)),
    wru: mine.reduce((sum, call) => sum + call.wru + call.indexWru, 0),
  };
};

async function codeReward(api: ApiClient, rewardId: string, chargeOn: 'issue' | 'use') {
  await api.expect(201, 'PUT', `/v1/admin/rewards/${rewardId}`, {
    key: api.adminKey,
    body: {
      name: `Bench ${rewardId}`,
      pointsCost: 10,
      fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn },
    },
  });
}

async function issuedCode(api: ApiClient, rewardId: string): Promise<string> {
  const enrolled = await api.expect(201, 'POST', '/v1/members', {
    body: { consent: { marketing: false, analytics: false } },
  });
  const memberId = (enrolled.body as { memberId: string }).memberId;
  await api.expect(201, 'POST', `/v1/members/${memberId}/earn`, {
    body: { orderId: `o-${randomUUID()}`, amount: { value: 10_000, currency: 'EUR' } },
  });
  const redeemed = await api.expect(201, 'POST', `/v1/members/${memberId}/redeem`, { body: { rewardId } });
  return (redeemed.body as { code: { code: string } }).code.code;
}

export async function measureCodes(api: ApiClient, recorder: DynamoRecorder, concurrency = 100): Promise<CodesResult> {
  recorder.accounting = false;
  await codeReward(api, 'bench-issue', 'issue');
  await codeReward(api, 'bench-use', 'use');
  const atIssue = await issuedCode(api, 'bench-issue');
  const atUse = await issuedCode(api, 'bench-use');
  const contested = await issuedCode(api, 'bench-issue');
  // Warm the functions and the program cache before counting.
  await api.expect(200, 'POST', '/v1/codes/validate', { body: { code: contested }, idempotencyKey: null });

  recorder.accounting = true;
  const validate = await recorder.during(() =>
    api.expect(200, 'POST', '/v1/codes/validate', { body: { code: atIssue }, idempotencyKey: null }),
  );
  const useIssue = await recorder.during(() =>
    api.expect(200, 'POST', '/v1/codes/use', { body: { code: atIssue, orderId: `till-${randomUUID()}` } }),
  );
  const useUse = await recorder.during(() =>
    api.expect(200, 'POST', '/v1/codes/use', { body: { code: atUse, orderId: `till-${randomUUID()}` } }),
  );
  recorder.accounting = false;

  const statuses: string[] = [];
  let slowestMs = 0;
  await pool(concurrency, concurrency, async (i) => {
    const started = performance.now();
    const answer = await api.call('POST', '/v1/codes/use', { body: { code: contested, orderId: `till-${i}` } });
    slowestMs = Math.max(slowestMs, performance.now() - started);
    const type = (answer.body as { type?: string } | undefined)?.type ?? '';
    statuses.push(answer.status === 409 ? `409 ${type.split('/').pop() ?? ''}` : String(answer.status));
  });
  const other: Record<string, number> = {};
  for (const status of statuses)
    if (status !== '200' && status !== '409 code-used') other[status] = (other[status] ?? 0) + 1;
  return {
    validate: figures(validate.calls),
    useChargedAtIssue: figures(useIssue.calls),
    useChargedAtUse: figures(useUse.calls),
    concurrentUses: {
      requests: concurrency,
      succeeded: statuses.filter((status) => status === '200').length,
      codeUsed: statuses.filter((status) => status === '409 code-used').length,
      other,
      slowestMs: Math.round(slowestMs),
    },
  };
}

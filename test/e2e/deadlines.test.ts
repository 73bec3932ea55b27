import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { store, useStore, type StoreConfig } from '@shared/store/client';
import { retryPolicy } from '@shared/store/retry';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';
import { throttled, transactionConflict, withFaults, withStall } from '../support/faults';

/**
 * DynamoDB stops answering (a wrapper over the real engine holds its calls): every request
 * must still answer, within its deadline, 503 storage-busy with Retry-After; readiness says
 * so; and once DynamoDB answers again, retrying with the same Idempotency-Key applies each
 * request exactly once, including writes that were held past the deadline and committed late.
 */
const DEADLINE_MS = 1_500;
/** Far below "never" (a stalled call without a deadline waits as long as the stall) and far above the deadline. */
const ANSWER_BOUND_MS = DEADLINE_MS + 3_000;
const problems = 'https://rewards-api.dev/problems/';
const eur = (value: number) => ({ value, currency: 'EUR' });

let api: TestApi;
let healthy: StoreConfig;
let memberId: string;

beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } });
  healthy = store();
  // The seed is written under the suite's generous deadlines (a loaded machine may take more than
  // 1.5 s for a first enrolment); both settings are read per request and per call.
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  memberId = enrolled.body.memberId;
  const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
    body: { orderId: 'seed', amount: eur(10_000) },
  });
  expect(earned.status).toBe(201);
  process.env.REQUEST_DEADLINE_MS = String(DEADLINE_MS);
  process.env.DYNAMODB_CALL_TIMEOUT_MS = '1000';
  process.env.HEALTH_READY_TIMEOUT_MS = '300';
});
afterEach(() => useStore(healthy));
afterAll(async () => api?.stop());

async function timed<T>(call: () => Promise<ApiResponse<T>>): Promise<ApiResponse<T> & { elapsedMs: number }> {
  const started = performance.now();
  const response = await call();
  return { ...response, elapsedMs: performance.now() - started };
}

function expectStorageBusy(response: ApiResponse & { elapsedMs: number }): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ type: `${problems}storage-busy`, status: 503 });
  expect(response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
  expect(response.elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const giveUp = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ledger(
  id: string,
): Promise<{ points: number; orderId?: string; type: string; transactionId: string }[]> {
  const page = await api.call('GET', `/v1/members/${id}/transactions?limit=100`);
  expect(page.status).toBe(200);
  return page.body.items;
}

async function expectBalanceMatchesLedger(id: string): Promise<void> {
  const member = await api.call('GET', `/v1/members/${id}`);
  const entries = await ledger(id);
  expect(member.body.points.balance).toBe(entries.reduce((sum, entry) => sum + entry.points, 0));
}

describe('a stalled DynamoDB', () => {
  it('gets every request a 503 with Retry-After within the deadline; the same keys then apply once', async () => {
    const stalled = withStall(healthy);
    useStore(stalled);
    stalled.stall();
    const keys = { earn: randomUUID(), redeem: randomUUID(), enrol: randomUUID() };
    const requests = {
      earn: () =>
        api.call('POST', `/v1/members/${memberId}/earn`, {
          idempotencyKey: keys.earn,
          body: { orderId: 'during-stall', amount: eur(5_000) },
        }),
      redeem: () =>
        api.call('POST', `/v1/members/${memberId}/redeem`, { idempotencyKey: keys.redeem, body: { points: 7 } }),
      enrol: () =>
        api.call('POST', '/v1/members', {
          idempotencyKey: keys.enrol,
          body: { externalId: `stall-${keys.enrol}`, consent: { marketing: false, analytics: false } },
        }),
    };
    const answers = await Promise.all([
      ...Object.values(requests).map((request) => timed(request)),
      timed(() => api.call('GET', `/v1/members/${memberId}`)),
      timed(() => api.call('GET', `/v1/members/${memberId}/transactions?limit=10`)),
      timed(() => api.call('GET', '/health/ready', { as: 'none' })),
    ]);
    for (const answer of answers) expectStorageBusy(answer);
    expect(stalled.held()).toBeGreaterThan(0);
    // Liveness stays cheap and does not touch the table.
    expect((await api.call('GET', '/health', { as: 'none' })).status).toBe(200);

    stalled.release();
    await eventually(async () => (await api.call('GET', '/health/ready', { as: 'none' })).status === 200, 'ready');
    expect((await api.call('GET', '/health/ready', { as: 'none' })).body).toEqual({ status: 'ok' });

    const earned = await requests.earn();
    const redeemed = await requests.redeem();
    const enrolled = await requests.enrol();
    expect([earned.status, redeemed.status, enrolled.status]).toEqual([201, 201, 201]);
    const again = await Promise.all([requests.earn(), requests.redeem(), requests.enrol()]);
    for (const replay of again) expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(again[0]?.body.transactionId).toBe(earned.body.transactionId);
    expect(again[1]?.body.transactionId).toBe(redeemed.body.transactionId);
    expect(again[2]?.body.memberId).toBe(enrolled.body.memberId);

    const entries = await ledger(memberId);
    expect(entries.filter((entry) => entry.orderId === 'during-stall')).toHaveLength(1);
    expect(entries.filter((entry) => entry.type === 'redeem')).toHaveLength(1);
    await expectBalanceMatchesLedger(memberId);
  });

  it('replays a write that was held past the deadline and committed afterwards', async () => {
    const stalled = withStall(healthy, ['TransactWriteCommand']);
    useStore(stalled);
    stalled.stall();
    const key = randomUUID();
    const earn = () =>
      api.call('POST', `/v1/members/${memberId}/earn`, {
        idempotencyKey: key,
        body: { orderId: 'committed-late', amount: eur(2_500) },
      });
    expectStorageBusy(await timed(earn));
    expect(stalled.held()).toBe(1);

    // The held transaction reaches DynamoDB now, after the client was told 503.
    stalled.release();
    await eventually(
      async () => (await ledger(memberId)).some((entry) => entry.orderId === 'committed-late'),
      'the held write commits',
    );
    const retried = await earn();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect((await ledger(memberId)).filter((entry) => entry.orderId === 'committed-late')).toHaveLength(1);
    await expectBalanceMatchesLedger(memberId);
  });

  it('ends the optimistic-retry loop at the deadline, not only after a count', async () => {
    const policy = { ...retryPolicy };
    // A count that alone would hold the request for minutes.
    Object.assign(retryPolicy, { maxConflictRetries: 100_000, maxStaleRetries: 100_000 });
    useStore(
      withFaults(healthy, [{ command: 'TransactWriteCommand', count: 1_000_000, error: () => transactionConflict() }]),
    );
    try {
      const answer = await timed(() => api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 1 } }));
      expectStorageBusy(answer);
    } finally {
      Object.assign(retryPolicy, policy);
    }
  });

  it('answers a 503 met while recording a refusal with the request id, its instance and the CORS headers', async () => {
    // The refusal (not enough points) is found on reads; recording it for replays is the one write, and it hangs.
    const stalled = withStall(healthy, ['PutCommand']);
    useStore(stalled);
    stalled.stall();
    try {
      const answer = await timed(() =>
        api.call('POST', `/v1/members/${memberId}/redeem`, {
          body: { points: 1_000_000_000 },
          headers: { 'X-Request-Id': 'refusal-1', Origin: api.url },
        }),
      );
      expectStorageBusy(answer);
      expect(stalled.held()).toBe(1);
      expect(answer.headers.get('x-request-id')).toBe('refusal-1');
      expect(answer.body).toMatchObject({ instance: 'urn:request:refusal-1' });
      expect(answer.headers.get('access-control-allow-origin')).toBe(api.url);
      expect(answer.headers.get('access-control-expose-headers')).toContain('Retry-After');
    } finally {
      stalled.release();
    }
  });

  it('answers a throttled write of a refusal the same way: 503 with the protocol headers', async () => {
    useStore(withFaults(healthy, [{ command: 'PutCommand', count: 1_000, error: throttled }]));
    const answer = await timed(() =>
      api.call('POST', `/v1/members/${memberId}/redeem`, {
        body: { points: 1_000_000_000 },
        headers: { 'X-Request-Id': 'refusal-2', Origin: api.url },
      }),
    );
    expectStorageBusy(answer);
    expect(answer.headers.get('x-request-id')).toBe('refusal-2');
    expect(answer.body).toMatchObject({ instance: 'urn:request:refusal-2' });
    expect(answer.headers.get('access-control-allow-origin')).toBe(api.url);
  });
});

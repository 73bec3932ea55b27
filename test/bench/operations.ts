/**
 * What each use case costs in DynamoDB, from the calls it really makes: every operation is sent
 * over HTTP to the local server, one at a time, and the recorder attributes the calls made
 * meanwhile to it. The authorizer's key lookup is counted apart (API Gateway caches it on AWS).
 */
import { randomUUID } from 'node:crypto';
import { ApiClient, type Answer } from './api-client';
import { DAY_MS, realNow, resetClock, setClock } from './clock';
import { dynamoMs, roundTrips, type DynamoCall, type DynamoRecorder, type WrittenItem } from './dynamo-recorder';

export interface OpFigures {
  calls: number;
  roundTrips: number;
  wru: number;
  rru: number;
  /** Of wru, the part spent on index writes. */
  indexWru: number;
  /** The key lookup of the authorizer (cached by API Gateway on AWS, not in the figures above). */
  authorizerCalls: number;
  /** Wall time minus the time a DynamoDB call was in flight: this project's code, the SDK and the local HTTP hop. */
  ownMs: number;
}

export interface OperationsResult {
  ops: Record<string, OpFigures | null>;
  notes: string[];
  memberItemBytes: { new: number; newAfterFirstEarn: number; dailyBuyerYear: number };
  /** The items one earn wrote, for the raw TransactWriteItems baseline of the same shapes. */
  earnWrites: WrittenItem[];
  handlerOverheadMs: { earn: { p50: number; p99: number; samples: number } };
}

export const SAMPLES = 3;

const nothing = () => Promise.resolve(undefined);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

export const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

/** The member item among the items a request wrote: the member's PROFILE item, else its largest item. */
export function memberItem(written: WrittenItem[], memberId: string): WrittenItem | undefined {
  const own = written.filter((w) => w.pk.includes(memberId));
  return own.find((w) => w.sk === 'PROFILE') ?? own.sort((a, b) => b.bytesAfter - a.bytesAfter)[0];
}

/** Measures operations one at a time: the figures of each, the authorizer's key lookup apart. */
export interface Meter {
  ops: Record<string, OpFigures | null>;
  /** The items each operation's last sample wrote. */
  writtenBy: Record<string, WrittenItem[]>;
  /** Runs `act` SAMPLES times (after `prepare`, which is not counted) and keeps the median of each figure. */
  measure: <T>(
    name: string,
    prepare: (i: number) => Promise<T>,
    act: (context: T) => Promise<Answer>,
    expected: number,
  ) => Promise<void>;
}

export async function createMeter(api: ApiClient, recorder: DynamoRecorder): Promise<Meter> {
  // Learn what the authorizer reads: a request with an unknown key makes only its lookup.
  const probe = await recorder.during(() => api.call('GET', '/v1/rewards', { key: 'rk_bench_unknown_key' }));
  const authorizerPrefixes = new Set(probe.calls.flatMap((c) => c.partitionKeys.map((pk) => pk.split('#')[0] + '#')));
  const isAuthorizer = (call: DynamoCall) =>
    call.operation === 'GetItem' &&
    call.partitionKeys.length > 0 &&
    call.partitionKeys.every((pk) => [...authorizerPrefixes].some((prefix) => pk.startsWith(prefix)));

  const figures = (calls: DynamoCall[], wallMs: number): OpFigures => {
    const own = calls.filter((c) => !isAuthorizer(c));
    return {
      calls: own.length,
      roundTrips: roundTrips(own),
      wru: own.reduce((sum, c) => sum + c.wru + c.indexWru, 0),
      rru: own.reduce((sum, c) => sum + c.rru, 0),
      indexWru: own.reduce((sum, c) => sum + c.indexWru, 0),
      authorizerCalls: calls.length - own.length,
      ownMs: Math.max(0, wallMs - dynamoMs(calls)),
    };
  };

  const ops: Record<string, OpFigures | null> = {};
  const writtenBy: Record<string, WrittenItem[]> = {};
  async function measure<T>(
    name: string,
    prepare: (i: number) => Promise<T>,
    act: (context: T) => Promise<Answer>,
    expected: number,
  ): Promise<void> {
    const samples: OpFigures[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const context = await prepare(i);
      const { result, calls, wallMs } = await recorder.during(() => act(context));
      if (result.status !== expected)
        throw new Error(`${name}: expected ${expected}, got ${result.status} ${JSON.stringify(result.body)}`);
      samples.push(figures(calls, wallMs));
      writtenBy[name] = calls.flatMap((c) => c.written);
    }
    const pick = (key: keyof OpFigures) => median(samples.map((s) => s[key]));
    ops[name] = {
      calls: pick('calls'),
      roundTrips: pick('roundTrips'),
      wru: pick('wru'),
      rru: pick('rru'),
      indexWru: pick('indexWru'),
      authorizerCalls: pick('authorizerCalls'),
      ownMs: Number(pick('ownMs').toFixed(2)),
    };
  }
  return { ops, writtenBy, measure };
}

export async function measureOperations(api: ApiClient, recorder: DynamoRecorder): Promise<OperationsResult> {
  const notes: string[] = [];
  const { ops, writtenBy, measure } = await createMeter(api, recorder);

  // A member with some history: points, available cashback (credited 30 days ago, past the hold) and 30 entries.
  recorder.accounting = false;
  const regular = await api.enrol();
  for (let i = 0; i < 30; i += 1) await api.earn(regular, `seed-${i}`);
  await api.expect(201, 'POST', `/v1/members/${regular}/cashback`, {
    body: {
      orderId: 'seed-cashback',
      amount: { value: 100_000, currency: 'EUR' },
      occurredAt: new Date(Date.now() - 30 * DAY_MS).toISOString(),
    },
  });
  await api.expect(201, 'PUT', '/v1/admin/rewards/bench-mug', {
    key: api.adminKey,
    body: { name: 'Bench mug', pointsCost: 1, stock: 1_000_000 },
  });
  // The daily buyer: one purchase a day for a year, through the real handlers with the clock moved back.
  const dailyBuyer = await (async () => {
    const start = realNow() - 366 * DAY_MS;
    setClock(start);
    try {
      const id = await api.enrol();
      for (let day = 0; day < 365; day += 1) {
        setClock(start + day * DAY_MS + 3_600_000);
        await api.earn(id, `daily-${day}`, 1000 + (day % 7) * 250);
      }
      return id;
    } finally {
      resetClock();
    }
  })();
  // Warm every function and the program cache before counting.
  await api.call('GET', `/v1/members/${regular}`);
  await api.call('GET', '/v1/rewards');
  await api.expect(201, 'POST', `/v1/members/${regular}/nps`, { body: { score: 8 } });
  recorder.accounting = true;

  const fresh: string[] = [];
  await measure(
    'enrol',
    nothing,
    async () => {
      const answer = await api.call('POST', '/v1/members', {
        body: { consent: { marketing: false, analytics: false } },
      });
      fresh.push((answer.body as { memberId: string }).memberId);
      return answer;
    },
    201,
  );
  const newMemberItem = memberItem(writtenBy.enrol ?? [], fresh.at(-1) ?? '');
  await measure('getMember', nothing, () => api.call('GET', `/v1/members/${regular}`), 200);
  await measure('transactions', nothing, () => api.call('GET', `/v1/members/${regular}/transactions`), 200);
  await measure(
    'earn',
    async (i) => fresh[i] ?? (await api.enrol()),
    (member) =>
      api.call('POST', `/v1/members/${member}/earn`, {
        body: { orderId: `first-${randomUUID()}`, amount: { value: 1999, currency: 'EUR' } },
      }),
    201,
  );
  const firstEarnMember = memberItem(writtenBy.earn ?? [], fresh[SAMPLES - 1] ?? '');
  const earnWrites = writtenBy.earn ?? [];
  await measure(
    'earnDailyBuyerYear',
    nothing,
    () =>
      api.call('POST', `/v1/members/${dailyBuyer}/earn`, {
        body: { orderId: `year-${randomUUID()}`, amount: { value: 1999, currency: 'EUR' } },
      }),
    201,
  );
  const dailyBuyerItem = memberItem(writtenBy.earnDailyBuyerYear ?? [], dailyBuyer);
  await measure(
    'redeem',
    nothing,
    () => api.call('POST', `/v1/members/${regular}/redeem`, { body: { points: 1 } }),
    201,
  );
  await measure(
    'redeemReward',
    nothing,
    () => api.call('POST', `/v1/members/${regular}/redeem`, { body: { rewardId: 'bench-mug' } }),
    201,
  );
  await measure(
    'cashback',
    nothing,
    () =>
      api.call('POST', `/v1/members/${regular}/cashback`, {
        body: { orderId: `cb-${randomUUID()}`, amount: { value: 5000, currency: 'EUR' } },
      }),
    201,
  );
  await measure(
    'cashbackRedeem',
    nothing,
    () =>
      api.call('POST', `/v1/members/${regular}/cashback/redeem`, { body: { amount: { value: 1, currency: 'EUR' } } }),
    201,
  );
  await measure(
    'refund',
    async () => {
      const orderId = `refund-${randomUUID()}`;
      recorder.accounting = false;
      await api.earn(regular, orderId, 4000);
      recorder.accounting = true;
      return orderId;
    },
    (orderId) =>
      api.call('POST', `/v1/members/${regular}/refunds`, {
        body: { orderId, amount: { value: 1000, currency: 'EUR' } },
      }),
    201,
  );
  await measure(
    'nps',
    nothing,
    () => api.call('POST', `/v1/members/${regular}/nps`, { body: { score: 9, comment: 'quick checkout' } }),
    201,
  );

  const adjustmentProbe = await api.call('POST', `/v1/members/${regular}/adjustments`, {
    body: { points: 5, reason: 'bench' },
  });
  if (adjustmentProbe.status === 404) {
    ops.adjustment = null;
    notes.push('adjustment: POST /v1/members/{id}/adjustments does not exist yet (404), recorded as null');
  } else {
    const key = adjustmentProbe.status === 403 ? api.adminKey : api.partnerKey;
    await measure(
      'adjustment',
      nothing,
      () => api.call('POST', `/v1/members/${regular}/adjustments`, { key, body: { points: 5, reason: 'bench' } }),
      201,
    );
  }

  await measure(
    'replay',
    async () => {
      const idempotencyKey = randomUUID();
      const body = { orderId: `replay-${randomUUID()}`, amount: { value: 1999, currency: 'EUR' } };
      recorder.accounting = false;
      await api.expect(201, 'POST', `/v1/members/${regular}/earn`, { body, idempotencyKey });
      recorder.accounting = true;
      return { idempotencyKey, body };
    },
    async ({ idempotencyKey, body }) => {
      const answer = await api.call('POST', `/v1/members/${regular}/earn`, { body, idempotencyKey });
      if (answer.headers['idempotent-replayed'] !== 'true') throw new Error('replay: not answered as a replay');
      return answer;
    },
    201,
  );

  // Our own time in an earn: many sequential earns, no accounting (no image reads inside the calls' time).
  recorder.accounting = false;
  const overheads: number[] = [];
  const members = [regular, ...fresh];
  for (let i = 0; i < 200; i += 1) {
    const member = members[i % members.length] ?? regular;
    const { calls, wallMs } = await recorder.during(() => api.earn(member, `overhead-${i}-${randomUUID()}`));
    if (i >= 20) overheads.push(wallMs - dynamoMs(calls));
  }
  recorder.accounting = true;

  return {
    ops,
    notes,
    memberItemBytes: {
      new: newMemberItem?.bytesAfter ?? 0,
      newAfterFirstEarn: firstEarnMember?.bytesAfter ?? 0,
      dailyBuyerYear: dailyBuyerItem?.bytesAfter ?? 0,
    },
    earnWrites,
    handlerOverheadMs: {
      earn: {
        p50: Number(quantile(overheads, 0.5).toFixed(2)),
        p99: Number(quantile(overheads, 0.99).toFixed(2)),
        samples: overheads.length,
      },
    },
  };
}

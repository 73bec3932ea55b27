import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { store, useStore } from '@shared/store/client';
import { transactionConflict, withFaults } from '../support/faults';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';

let api: TestApi;
let memberId: string;

beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
  const enrolled = await api.call('POST', '/v1/members', {
    body: { consent: { marketing: true, analytics: true }, email: 'ada@example.com', name: 'Ada' },
  });
  memberId = enrolled.body.memberId;
});
afterAll(async () => api?.stop());

function expectProblem(response: ApiResponse, status: number, slug: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status,
    type: expect.stringMatching(new RegExp(`/problems/${slug}$`)),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
}

async function state() {
  const member = await api.call('GET', `/v1/members/${memberId}`);
  const ledger = await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`);
  return { points: member.body.points, entries: ledger.body.items.length };
}

const earnPath = () => `/v1/members/${memberId}/earn`;
const validEarn = (orderId: string) => ({ orderId, amount: { value: 1000, currency: 'EUR' } });

describe('hostile input gets its problem and changes nothing', () => {
  const cases: [string, () => Promise<ApiResponse>, number, string][] = [
    ['no key', () => api.call('POST', earnPath(), { as: 'none', body: validEarn('h1') }), 401, 'unauthorized'],
    [
      'an unknown key',
      () => api.call('POST', earnPath(), { key: 'rk_not-a-key', body: validEarn('h2') }),
      401,
      'unauthorized',
    ],
    ['a partner key on an admin route', () => api.call('PUT', '/v1/admin/program', { body: {} }), 403, 'forbidden'],
    [
      'malformed JSON',
      () => api.call('POST', earnPath(), { rawBody: '{"orderId": ', headers: { 'Content-Type': 'application/json' } }),
      400,
      'malformed-json',
    ],
    [
      'an unknown field',
      () => api.call('POST', earnPath(), { body: { ...validEarn('h3'), bonus: 1000 } }),
      400,
      'validation-error',
    ],
    [
      'a float amount',
      () => api.call('POST', earnPath(), { body: { orderId: 'h4', amount: { value: 10.5, currency: 'EUR' } } }),
      400,
      'validation-error',
    ],
    [
      'a negative amount',
      () => api.call('POST', earnPath(), { body: { orderId: 'h5', amount: { value: -100, currency: 'EUR' } } }),
      400,
      'validation-error',
    ],
    [
      'another currency',
      () => api.call('POST', earnPath(), { body: { orderId: 'h6', amount: { value: 100, currency: 'USD' } } }),
      400,
      'currency-mismatch',
    ],
    [
      'a bad orderId',
      () => api.call('POST', earnPath(), { body: { orderId: 'white space', amount: { value: 100, currency: 'EUR' } } }),
      400,
      'validation-error',
    ],
    [
      'a purchase in the future',
      () =>
        api.call('POST', earnPath(), {
          body: { ...validEarn('h7'), occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
        }),
      400,
      'occurred-at-out-of-range',
    ],
    [
      'a missing Idempotency-Key',
      () => api.call('POST', earnPath(), { body: validEarn('h8'), idempotencyKey: null }),
      400,
      'missing-idempotency-key',
    ],
    [
      'an Idempotency-Key with spaces',
      () => api.call('POST', earnPath(), { body: validEarn('h9'), idempotencyKey: 'has space' }),
      400,
      'validation-error',
    ],
    [
      'a body over 64 KiB',
      () => api.call('POST', earnPath(), { body: { ...validEarn('h10'), padding: 'x'.repeat(70_000) } }),
      413,
      'payload-too-large',
    ],
    [
      'a body that is not JSON',
      () => api.call('POST', earnPath(), { rawBody: 'orderId=1', headers: { 'Content-Type': 'text/plain' } }),
      415,
      'unsupported-media-type',
    ],
    [
      'an unknown member',
      () => api.call('POST', '/v1/members/mem_nobody/earn', { body: validEarn('h11') }),
      404,
      'member-not-found',
    ],
    ['a malformed member id', () => api.call('GET', '/v1/members/bad%20id'), 400, 'validation-error'],
    ['an unknown route', () => api.call('GET', '/v1/unknown'), 404, 'not-found'],
    ['a wrong method', () => api.call('PUT', `/v1/members/${memberId}`), 405, 'method-not-allowed'],
    [
      'an overdraft',
      () => api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 1_000_000 } }),
      409,
      'insufficient-points',
    ],
    [
      'zero points',
      () => api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 0 } }),
      400,
      'validation-error',
    ],
    [
      'a page size over 100',
      () => api.call('GET', `/v1/members/${memberId}/transactions?limit=101`),
      400,
      'validation-error',
    ],
    [
      'a forged cursor',
      () => api.call('GET', `/v1/members/${memberId}/transactions?cursor=bm90LWEtY3Vyc29y`),
      400,
      'validation-error',
    ],
  ];

  it.each(cases)('refuses %s', async (_name, send, status, slug) => {
    const before = await state();
    expectProblem(await send(), status, slug);
    expect(await state()).toEqual(before);
  });

  it('lists the allowed methods on a 405', async () => {
    const response = await api.call('PUT', `/v1/members/${memberId}`);
    expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it('shows where a validation error is', async () => {
    const response = await api.call('POST', earnPath(), {
      body: { orderId: 'v1', amount: { value: 1.5, currency: 'EUR' }, extra: true },
    });
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.amount.value' }),
        expect.objectContaining({ path: 'body' }),
      ]),
    );
  });
});

describe('idempotency over HTTP', () => {
  it('replays the first response with Idempotent-Replayed', async () => {
    const first = await api.call('POST', earnPath(), { body: validEarn('i1'), idempotencyKey: 'key-i1' });
    const again = await api.call('POST', earnPath(), { body: validEarn('i1'), idempotencyKey: 'key-i1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('replays a refusal the same way', async () => {
    const first = await api.call('POST', `/v1/members/${memberId}/redeem`, {
      body: { points: 999_999 },
      idempotencyKey: 'key-refused',
    });
    const again = await api.call('POST', `/v1/members/${memberId}/redeem`, {
      body: { points: 999_999 },
      idempotencyKey: 'key-refused',
    });
    expectProblem(first, 409, 'insufficient-points');
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
  });

  it('answers 422 when a key is reused for a different request, and changes nothing', async () => {
    await api.call('POST', earnPath(), { body: validEarn('i2'), idempotencyKey: 'key-i2' });
    const before = await state();
    expectProblem(
      await api.call('POST', earnPath(), { body: validEarn('i3'), idempotencyKey: 'key-i2' }),
      422,
      'idempotency-key-reuse',
    );
    expect(await state()).toEqual(before);
  });

  it('scopes keys to the calling key', async () => {
    const partner = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Second till', scopes: ['points:earn', 'members:read'] },
    });
    const other = partner.body.apiKey as string;
    await api.call('POST', earnPath(), { body: validEarn('s1'), idempotencyKey: 'shared-key' });
    const second = await api.call('POST', earnPath(), {
      key: other,
      body: validEarn('s2'),
      idempotencyKey: 'shared-key',
    });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
  });

  it('applies one of 20 concurrent requests with one key; the others get the first response', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call('POST', earnPath(), { body: validEarn('c20'), idempotencyKey: 'key-c20' }),
      ),
    );
    for (const response of responses) expect([201, 409]).toContain(response.status);
    const created = responses.filter((r) => r.status === 201);
    for (const response of created) expect(response.body).toEqual(created[0]?.body);
    const ledger = await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`);
    expect(ledger.body.items.filter((e: { orderId?: string }) => e.orderId === 'c20')).toHaveLength(1);
  });
});

describe('concurrency over HTTP', () => {
  it('lets exactly N of 2N concurrent 1-point redeems through; the ledger sums to the balance, 0', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    const id = enrolled.body.memberId as string;
    const n = enrolled.body.points.balance as number; // the sign-up bonus
    // A request that outlasts its deadline under contention answers 503: the client retries it with the same key.
    const redeemOnce = async () => {
      const idempotencyKey = randomUUID();
      for (;;) {
        const response = await api.call('POST', `/v1/members/${id}/redeem`, { body: { points: 1 }, idempotencyKey });
        if (response.status !== 503) return response;
      }
    };
    const responses = await Promise.all(Array.from({ length: 2 * n > 40 ? 40 : 2 * n }, redeemOnce));
    const expected = Math.min(n, responses.length);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(expected);
    for (const refused of responses.filter((r) => r.status !== 201)) expectProblem(refused, 409, 'insufficient-points');
    if (responses.length === 2 * n) {
      const member = await api.call('GET', `/v1/members/${id}`);
      expect(member.body.points.balance).toBe(0);
    }
    const ledger = await api.call('GET', `/v1/members/${id}/transactions?limit=100`);
    const member = await api.call('GET', `/v1/members/${id}`);
    expect(ledger.body.items.reduce((sum: number, e: { points: number }) => sum + e.points, 0)).toBe(
      member.body.points.balance,
    );
  });

  it('answers 503 with Retry-After when conflicts outlast the retries', async () => {
    const healthy = store();
    useStore(
      withFaults(healthy, [{ command: 'TransactWriteCommand', count: 1000, error: () => transactionConflict() }]),
    );
    try {
      const response = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 1 } });
      expectProblem(response, 503, 'storage-busy');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      useStore(healthy);
    }
  });
});

describe('ledger pages', () => {
  it('pages newest first with an opaque cursor until the last page', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    const id = enrolled.body.memberId as string;
    for (let i = 1; i <= 4; i += 1)
      await api.call('POST', `/v1/members/${id}/earn`, {
        body: { orderId: `p${i}`, amount: { value: i * 100, currency: 'EUR' } },
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.call('GET', `/v1/members/${id}/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { orderId?: string; type: string }) => e.orderId ?? e.type));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['p4', 'p3', 'p2', 'p1', 'bonus']);
  });
});

describe('admin', () => {
  it('versions the program and records the version on each ledger entry', async () => {
    const current = await api.call('GET', '/v1/admin/program', { as: 'admin' });
    const { version: _v, updatedAt: _u, ...rules } = current.body;
    const saved = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...rules, earn: { pointsPerUnit: 2 } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(current.body.version + 1);
    const earned = await api.call('POST', earnPath(), { body: validEarn('v2') });
    expect(earned.body).toMatchObject({ points: 20, programVersion: saved.body.version });
    await api.call('PUT', '/v1/admin/program', { as: 'admin', body: rules });
  });

  it('creates a partner whose key works within its scopes, and deletes it', async () => {
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Web shop', scopes: ['members:read'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      partnerId: expect.any(String),
      name: 'Web shop',
      scopes: ['members:read'],
      apiKey: expect.any(String),
    });
    const key = created.body.apiKey as string;
    expect((await api.call('GET', `/v1/members/${memberId}`, { key })).status).toBe(200);
    expectProblem(await api.call('POST', earnPath(), { key, body: validEarn('w1') }), 403, 'forbidden');
    expect((await api.call('DELETE', `/v1/admin/partners/${created.body.partnerId}`, { as: 'admin' })).status).toBe(
      204,
    );
    expectProblem(await api.call('GET', `/v1/members/${memberId}`, { key }), 401, 'unauthorized');
  });

  it('never shows a partner key twice, not even on an idempotent replay', async () => {
    const first = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['points:earn'] },
      idempotencyKey: 'partner-once',
    });
    const again = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['points:earn'] },
      idempotencyKey: 'partner-once',
    });
    expect(first.body.apiKey).toEqual(expect.any(String));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.partnerId).toBe(first.body.partnerId);
    expect(again.body.apiKey).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route of the contract', async () => {
    const response = await api.call('GET', '/openapi.json', { as: 'none' });
    expect(response.body.openapi).toBe('3.1.0');
    const paths = Object.keys(response.body.paths);
    for (const path of [
      '/v1/members',
      '/v1/members/{memberId}/earn',
      '/v1/members/{memberId}/cashback/redeem',
      '/v1/admin/metrics/snapshots/latest',
      '/v1/rewards',
      '/health',
    ]) {
      expect(paths).toContain(path);
    }
    const earn = response.body.paths['/v1/members/{memberId}/earn'].post.requestBody.content['application/json'].schema;
    expect(earn).toEqual({ $ref: '#/components/schemas/EarnRequest' });
    expect(response.body.components.schemas.EarnRequest).toMatchObject({
      additionalProperties: false,
      required: ['orderId', 'amount'],
    });
    expect(JSON.stringify(response.body)).not.toContain('#/$defs/');
  });
});

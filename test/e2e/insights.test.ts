import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import { startTestApi, type TestApi } from '../support/api';

const PROBLEM = 'https://rewards-api.dev/problems/';

let api: TestApi;
let memberId: string;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
  const enrolled = await api.call('POST', '/v1/members', {
    body: { email: 'grace@example.com', name: 'Grace Hopper', consent: { marketing: false, analytics: true } },
  });
  memberId = enrolled.body.memberId;
});
afterAll(async () => api?.stop());

describe('surveys and non-member purchases', () => {
  it('records an NPS answer', async () => {
    const answered = await api.call('POST', `/v1/members/${memberId}/nps`, {
      body: { score: 9, comment: 'quick checkout' },
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toEqual({ memberId, score: 9, answeredAt: expect.any(String) });
  });

  it('refuses a score outside 0..10 and an unknown member', async () => {
    const invalid = await api.call('POST', `/v1/members/${memberId}/nps`, { body: { score: 11 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'body.score' })]);
    const unknown = await api.call('POST', '/v1/members/mem_nobody/nps', { body: { score: 5 } });
    expect(unknown.status).toBe(404);
  });

  it('records a non-member purchase once per orderId', async () => {
    const body = { orderId: 'walk-in-1', amount: eur(1_800) };
    const recorded = await api.call('POST', '/v1/purchases', { body });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toEqual({ orderId: 'walk-in-1', amount: eur(1_800), occurredAt: expect.any(String) });
    const duplicate = await api.call('POST', '/v1/purchases', { body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.type).toBe(`${PROBLEM}duplicate-order`);
  });

  it('refuses a non-member purchase in another currency or in the future', async () => {
    const currency = await api.call('POST', '/v1/purchases', {
      body: { orderId: 'walk-in-2', amount: { value: 100, currency: 'USD' } },
    });
    expect(currency.status).toBe(400);
    const future = await api.call('POST', '/v1/purchases', {
      body: { orderId: 'walk-in-3', amount: eur(100), occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(future.status).toBe(400);
    expect(future.body.type).toBe(`${PROBLEM}occurred-at-out-of-range`);
  });
});

describe('metrics snapshots', () => {
  it('has no latest snapshot before the first', async () => {
    const latest = await api.call('GET', '/v1/admin/metrics/snapshots/latest', { as: 'admin' });
    expect(latest.status).toBe(404);
    expect(latest.body.type).toBe(`${PROBLEM}snapshot-not-found`);
  });

  it('computes a snapshot now that includes what just happened, and replays it for the same key', async () => {
    await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId: 'till-1', amount: eur(2_500) } });
    const created = await api.call('POST', '/v1/admin/metrics/snapshots', {
      as: 'admin',
      body: {},
      idempotencyKey: 'snapshot-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      members: { total: 1, active: 1 },
      npsResponses: 1,
      nps: 100,
      repeatCustomerRate: 0,
      averageOrderValue: {
        members: eur(2_500),
        nonMembers: eur(1_800),
        newMembers: eur(2_500),
        returningMembers: null,
      },
      pointsOutstanding: 125,
      cashbackOutstanding: eur(0),
    });
    expect(Date.parse(created.body.window.to) - Date.parse(created.body.window.from)).toBe(30 * 86_400_000);
    expect(JSON.stringify(created.body)).not.toMatch(/Grace|example\.com|quick checkout|mem_/);
    const replayed = await api.call('POST', '/v1/admin/metrics/snapshots', {
      as: 'admin',
      body: {},
      idempotencyKey: 'snapshot-1',
    });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(created.body);
  });

  it('refuses a window that ends before it starts', async () => {
    const invalid = await api.call('POST', '/v1/admin/metrics/snapshots', {
      as: 'admin',
      body: { window: { from: '2026-06-30T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'body.window.to' })]);
  });

  it('lists snapshots newest first, page by page, and filters them by time', async () => {
    const second = await api.call('POST', '/v1/admin/metrics/snapshots', {
      as: 'admin',
      body: { window: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' } },
    });
    expect(second.status).toBe(201);
    const first = await api.call('GET', '/v1/admin/metrics/snapshots?limit=1', { as: 'admin' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { snapshotId: string }) => s.snapshotId)).toEqual([second.body.snapshotId]);
    const next = await api.call('GET', `/v1/admin/metrics/snapshots?limit=1&cursor=${first.body.nextCursor}`, {
      as: 'admin',
    });
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].computedAt <= second.body.computedAt).toBe(true);
    const upTo = await api.call(
      'GET',
      `/v1/admin/metrics/snapshots?to=${encodeURIComponent(next.body.items[0].computedAt)}`,
      { as: 'admin' },
    );
    expect(upTo.body.items.map((s: { snapshotId: string }) => s.snapshotId)).toEqual([next.body.items[0].snapshotId]);
    const latest = await api.call('GET', '/v1/admin/metrics/snapshots/latest', { as: 'admin' });
    expect(latest.body.snapshotId).toBe(second.body.snapshotId);
  });

  it('is for admins only', async () => {
    expect((await api.call('GET', '/v1/admin/metrics/snapshots', { as: 'partner' })).status).toBe(403);
    expect((await api.call('POST', '/v1/admin/metrics/snapshots', { as: 'partner', body: {} })).status).toBe(403);
  });
});

describe('data rights over HTTP', () => {
  it('exports a member, and erases them for admins only; later calls answer 409', async () => {
    const exported = await api.call('GET', `/v1/members/${memberId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      member: { memberId, email: 'grace@example.com', name: 'Grace Hopper' },
      npsAnswers: [{ score: 9, comment: 'quick checkout' }],
      orders: [{ orderId: 'till-1' }],
    });

    expect((await api.call('DELETE', `/v1/members/${memberId}`, { as: 'partner' })).status).toBe(403);
    const erased = await api.call('DELETE', `/v1/members/${memberId}`, { as: 'admin' });
    expect(erased.status).toBe(204);
    for (const path of [`/v1/members/${memberId}`, `/v1/members/${memberId}/export`]) {
      const after = await api.call('GET', path);
      expect(after.status).toBe(409);
      expect(after.body.type).toBe(`${PROBLEM}member-erased`);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import { startTestApi, type TestApi } from '../support/api';

const DAY = 86_400_000;
const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
    cashback: { holdDays: 14 },
  });
});
afterAll(async () => api?.stop());

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

async function ledgerOf(
  memberId: string,
): Promise<{ points: number; cashback?: { value: number; status?: string }; type: string }[]> {
  const page = await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`);
  expect(page.status).toBe(200);
  return page.body.items;
}

/** What the member view shows is what the ledger adds up to. */
async function expectViewMatchesLedger(memberId: string) {
  const member = (await api.call('GET', `/v1/members/${memberId}`)).body;
  const entries = await ledgerOf(memberId);
  expect(entries.reduce((sum, e) => sum + e.points, 0)).toBe(member.points.balance);
  expect(entries.reduce((sum, e) => sum + (e.cashback?.value ?? 0), 0)).toBe(
    member.cashback.available + member.cashback.pending,
  );
  return member;
}

describe('cashback over HTTP', () => {
  it('credits pending cashback, shown on the member and on the ledger', async () => {
    const memberId = await enrol();
    const credited = await api.call('POST', `/v1/members/${memberId}/cashback`, {
      body: { orderId: 'web-1', amount: eur(4_999) },
    });
    expect(credited.status).toBe(201);
    expect(credited.body).toMatchObject({
      type: 'cashback',
      points: 0,
      orderId: 'web-1',
      amount: eur(4_999),
      cashback: { value: 49, currency: 'EUR', status: 'pending' },
    });
    expect(Date.parse(credited.body.cashback.releaseAt) - Date.parse(credited.body.occurredAt)).toBe(14 * DAY);
    const member = await expectViewMatchesLedger(memberId);
    expect(member.cashback).toEqual({ currency: 'EUR', available: 0, pending: 49 });
  });

  it('answers a second credit for the same order with 409 duplicate-order', async () => {
    const memberId = await enrol();
    await api.call('POST', `/v1/members/${memberId}/cashback`, { body: { orderId: 'web-1', amount: eur(1_000) } });
    const again = await api.call('POST', `/v1/members/${memberId}/cashback`, {
      body: { orderId: 'web-1', amount: eur(1_000) },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({ type: `${problems}duplicate-order`, status: 409 });
  });

  it('refuses another currency with 400 and the field at fault', async () => {
    const memberId = await enrol();
    const response = await api.call('POST', `/v1/members/${memberId}/cashback`, {
      body: { orderId: 'web-1', amount: { value: 1_000, currency: 'USD' } },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: `${problems}currency-mismatch`,
      errors: [{ path: 'body.amount.currency', message: 'must be EUR' }],
    });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.cashback).toEqual({
      currency: 'EUR',
      available: 0,
      pending: 0,
    });
  });

  it('refuses unknown fields and non-positive amounts with 400', async () => {
    const memberId = await enrol();
    const typo = await api.call('POST', `/v1/members/${memberId}/cashback/redeem`, {
      body: { amount: eur(1), orderID: 'x' },
    });
    expect(typo.status).toBe(400);
    const zero = await api.call('POST', `/v1/members/${memberId}/refunds`, { body: { orderId: 'x', amount: eur(0) } });
    expect(zero.status).toBe(400);
    expect(zero.body.errors).toEqual([expect.objectContaining({ path: 'body.amount.value' })]);
  });

  it('spends available cashback only: pending cashback is 409 insufficient-cashback', async () => {
    const memberId = await enrol();
    await api.call('POST', `/v1/members/${memberId}/cashback`, { body: { orderId: 'web-1', amount: eur(10_000) } });
    const refused = await api.call('POST', `/v1/members/${memberId}/cashback/redeem`, { body: { amount: eur(1) } });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe(`${problems}insufficient-cashback`);
  });

  it('lets exactly N of N+15 concurrent one-cent spends through a wallet of N cents', async () => {
    const memberId = await enrol();
    // Reported after its return window: available at once (1 % of 8.00 EUR).
    const occurredAt = new Date(Date.now() - 30 * DAY).toISOString();
    const credited = await api.call('POST', `/v1/members/${memberId}/cashback`, {
      body: { orderId: 'till-1', amount: eur(800), occurredAt },
    });
    expect(credited.body.cashback).toMatchObject({ value: 8, status: 'available' });
    const responses = await Promise.all(
      Array.from({ length: 8 + 15 }, () =>
        api.call('POST', `/v1/members/${memberId}/cashback/redeem`, { body: { amount: eur(1) } }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(8);
    expect(
      responses.filter((r) => r.status === 409 && r.body.type === `${problems}insufficient-cashback`),
    ).toHaveLength(15);
    const member = await expectViewMatchesLedger(memberId);
    expect(member.cashback.available).toBe(0);
  });
});

describe('refunds over HTTP', () => {
  it('reverses points and pending cashback in proportion, each as its own refund entry', async () => {
    const memberId = await enrol();
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-1', amount: eur(20_000) },
    });
    await api.call('POST', `/v1/members/${memberId}/cashback`, { body: { orderId: 'o-1', amount: eur(20_000) } });
    const refunded = await api.call('POST', `/v1/members/${memberId}/refunds`, {
      body: { orderId: 'o-1', amount: eur(5_000) },
    });
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({
      type: 'refund',
      orderId: 'o-1',
      amount: eur(5_000),
      points: -Math.floor(earned.body.points / 4),
    });
    const [pointsEntry, cashbackEntry] = await ledgerOf(memberId);
    expect(pointsEntry).toMatchObject({ type: 'refund', points: -Math.floor(earned.body.points / 4) });
    expect(cashbackEntry).toMatchObject({ type: 'refund', points: 0, cashback: { value: -50, status: 'pending' } });
    const member = await expectViewMatchesLedger(memberId);
    expect(member.cashback).toEqual({ currency: 'EUR', available: 0, pending: 150 });
    expect(member.tier.qualifyingSpend).toEqual(eur(15_000));
  });

  it('answers a refund beyond the order with 409 and an unknown order with 404', async () => {
    const memberId = await enrol();
    await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId: 'o-1', amount: eur(1_000) } });
    const beyond = await api.call('POST', `/v1/members/${memberId}/refunds`, {
      body: { orderId: 'o-1', amount: eur(1_001) },
    });
    expect(beyond).toMatchObject({ status: 409, body: { type: `${problems}refund-exceeds-order` } });
    const unknown = await api.call('POST', `/v1/members/${memberId}/refunds`, {
      body: { orderId: 'o-404', amount: eur(1) },
    });
    expect(unknown).toMatchObject({ status: 404, body: { type: `${problems}order-not-found` } });
  });

  it('refuses redemptions with 409 while a refund left the points negative', async () => {
    const memberId = await enrol();
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-1', amount: eur(5_000) },
    });
    await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: earned.body.points } });
    const refunded = await api.call('POST', `/v1/members/${memberId}/refunds`, {
      body: { orderId: 'o-1', amount: eur(5_000) },
    });
    expect(refunded.body.balance.points).toBe(-earned.body.points);
    const refused = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 1 } });
    expect(refused).toMatchObject({ status: 409, body: { type: `${problems}negative-balance` } });
    await expectViewMatchesLedger(memberId);
  });

  it('replays a refund sent twice with the same Idempotency-Key and applies it once', async () => {
    const memberId = await enrol();
    await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId: 'o-1', amount: eur(10_000) } });
    const request = { body: { orderId: 'o-1', amount: eur(6_000) }, idempotencyKey: `refund-${memberId}` };
    const first = await api.call('POST', `/v1/members/${memberId}/refunds`, request);
    const again = await api.call('POST', `/v1/members/${memberId}/refunds`, request);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await ledgerOf(memberId)).filter((e) => e.type === 'refund')).toHaveLength(1);
  });
});

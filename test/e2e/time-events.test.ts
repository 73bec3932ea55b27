import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '@shared/http/openapi';
import { startTestApi, type TestApi } from '../support/api';
import { OpenApiValidator } from '../support/openapi-validator';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * Changes by time alone over HTTP, with the local test clock (TEST_CLOCK=1): the clock moves past
 * a cashback hold and past a tier window, the jobs route runs the time-changes job at once, and
 * the events show on the feed and reach a webhook receiver, signed. A second run emits nothing.
 */
const validator = new OpenApiValidator(openApiDocument());
let api: TestApi;
let receiver: Receiver;
let secret: string;
beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  receiver = await startReceiver();
  api = await startTestApi();
  const hook = await api.call('POST', '/v1/admin/webhooks', {
    as: 'admin',
    body: { url: receiver.url, types: ['cashback.available', 'tier.changed'] },
  });
  expect(hook.status).toBe(201);
  secret = hook.body.secret as string;
}, 60_000);
afterAll(async () => {
  await api?.stop();
  await receiver?.close();
  delete process.env.TEST_CLOCK;
});

const DAY = 86_400_000;
const eur = (value: number) => ({ value, currency: 'EUR' });

async function moveClock(to: Date) {
  return api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to.toISOString() } });
}

async function feed(memberId: string): Promise<{ type: string; data: Record<string, unknown>; createdAt: string }[]> {
  const page = await api.call('GET', `/v1/events?memberId=${memberId}&types=cashback.available,tier.changed&limit=100`);
  expect(page.status).toBe(200);
  // Every event is shaped as the document's webhooks publish its type.
  expect(page.body.items.flatMap((event: unknown) => validator.checkEvent(event))).toEqual([]);
  return page.body.items;
}

async function feedUntil(memberId: string, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const items = await feed(memberId);
    if (items.length >= count || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const delivered = () =>
  receiver.received.map((request) => {
    // Every delivery verifies with standardwebhooks (the timestamp is wall time, whatever the test clock says).
    const event = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown>;
    };
    return { type: event.type, data: event.data };
  });

describe('the test clock', () => {
  it('moves forward only, for admins only', async () => {
    const start = Date.now();
    expect((await moveClock(new Date(start - DAY))).status).toBe(400);
    expect((await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: 'tomorrow' } })).status).toBe(
      400,
    );
    expect(
      (await api.call('POST', '/v1/admin/test-clock', { body: { now: new Date(start + DAY).toISOString() } })).status,
    ).toBe(403);
    expect((await api.call('POST', '/v1/admin/test-clock', { as: 'none', body: { now: 'x' } })).status).toBe(401);
  });

  // Before the clock moves a year: the metrics job would then catch up a year of activity.
  it('the jobs route runs the other jobs by name, and refuses an unknown one', async () => {
    const expiry = await api.call('POST', '/v1/admin/jobs/expiry/run', { as: 'admin' });
    expect(expiry.status).toBe(200);
    expect(expiry.body.result).toMatchObject({ candidates: expect.any(Number) as number });
    expect((await api.call('POST', '/v1/admin/jobs/metrics/run', { as: 'admin' })).status).toBe(200);
    expect((await api.call('POST', '/v1/admin/jobs/reindex/run', { as: 'admin' })).status).toBe(400);
    expect((await api.call('POST', '/v1/admin/jobs/expiry/run')).status).toBe(403);
  });
});

describe('changes by time alone, over HTTP', () => {
  it('emits cashback.available after the hold and tier.changed down after the window, once each', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    const memberId = enrolled.body.memberId as string;
    const member = `/v1/members/${memberId}`;
    expect((await api.call('POST', `${member}/earn`, { body: { orderId: 'o-1', amount: eur(60_000) } })).status).toBe(
      201,
    );
    const credited = await api.call('POST', `${member}/cashback`, { body: { orderId: 'o-2', amount: eur(10_000) } });
    expect(credited.body.cashback).toMatchObject({ status: 'pending' });
    expect((await api.call('GET', member)).body.tier.id).toBe('silver');

    // Past the 14-day hold: every read sees the cashback available at once; the job announces it.
    const afterHold = new Date(Date.now() + 15 * DAY);
    const moved = await moveClock(afterHold);
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now as string)).toBeGreaterThanOrEqual(afterHold.getTime());
    expect((await api.call('GET', member)).body.cashback).toMatchObject({ available: 200, pending: 0 });
    // The current clock is never moved back.
    expect((await moveClock(new Date(afterHold.getTime() - 60_000))).status).toBe(400);

    const run = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      job: 'time-changes',
      status: 'done',
      result: { events: { 'cashback.available': 1 } },
    });

    // Past the tier window: the 365 days of the purchases are over, silver drops to the entry tier.
    expect((await moveClock(new Date(afterHold.getTime() + 360 * DAY))).status).toBe(200);
    const second = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    expect(second.body.result).toMatchObject({ events: { 'tier.changed': 1 } });
    expect((await api.call('GET', member)).body.tier.id).toBe('member');

    // Run again: nothing more to tell.
    const again = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    expect(again.body.result).toEqual({ candidates: 0, members: 0, events: {} });

    const expected = [
      { type: 'tier.changed', data: { from: 'member', to: 'silver', direction: 'up' } },
      {
        type: 'cashback.available',
        data: expect.objectContaining({
          orderId: 'o-2',
          cashback: { value: 200, currency: 'EUR', status: 'available' },
        }),
      },
      { type: 'tier.changed', data: { from: 'silver', to: 'member', direction: 'down' } },
    ];
    const items = await feedUntil(memberId, 3);
    expect(items.map(({ type, data }) => ({ type, data }))).toEqual(expected);
    // Each time change carries the test clock's time, not the wall clock's.
    expect(Date.parse(items[1]!.createdAt)).toBeGreaterThanOrEqual(afterHold.getTime());

    await receiver.waitFor((received) => received.length >= 3, 30_000);
    const got = delivered();
    expect(got).toHaveLength(3);
    expect(got).toEqual(expect.arrayContaining(expected));
  });
});

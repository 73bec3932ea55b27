import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '@shared/http/openapi';
import { startTestApi, type TestApi } from '../support/api';
import { OpenApiValidator } from '../support/openapi-validator';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * A year of one member's life over HTTP with the local test clock (TEST_CLOCK=1), under a program
 * with a 14-day return window and lots that expire 3 months after they become available, at the
 * end of that month, with reminders 10 days ahead. Earns, redemptions, refunds inside and after
 * the window, availability, reminders and expiries, the jobs run through the jobs route: every
 * balance the member shows, every entry of the ledger and every event of the feed is checked, and
 * the events by time alone reach a webhook receiver, signed.
 */
let api: TestApi;
let receiver: Receiver;
let secret: string;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TIME_TYPES = ['points.available', 'points.expiring', 'points.expired'];

beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  receiver = await startReceiver();
  api = await startTestApi({
    earn: { pointsPerUnit: 1, holdDays: 14 },
    expiry: { afterMonths: 3, roundTo: 'month', remindDays: 10 },
  });
  const hook = await api.call<{ secret: string }>('POST', '/v1/admin/webhooks', {
    as: 'admin',
    body: { url: receiver.url, types: TIME_TYPES },
  });
  expect(hook.status).toBe(201);
  secret = hook.body.secret;
}, 60_000);
afterAll(async () => {
  await api?.stop();
  await receiver?.close();
  delete process.env.TEST_CLOCK;
});

interface Transaction {
  type: string;
  orderId?: string;
  points: number;
  balance: { points: number };
  pointsStatus?: string;
}
interface FeedEvent {
  type: string;
  createdAt: string;
  data: Record<string, unknown> & {
    orderId?: string;
    points?: number | { balance: number };
    balance?: { points: number };
  };
}
interface LotsRun {
  available: number;
  reminders: number;
  pointsExpired: number;
}

const eur = (value: number) => ({ value: value * 100, currency: 'EUR' });
const iso = (ms: number) => new Date(ms).toISOString();
/** The last millisecond (UTC) of the month `months` after the month of `ms`: when a lot available at `ms` expires. */
const endOfMonthAfter = (ms: number, months: number) => {
  const date = new Date(ms);
  return iso(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months + 1, 1) - 1);
};

async function moveTo(ms: number) {
  const moved = await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: iso(ms) } });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

/** The lots' part of the expiry job's run, through the jobs route (the contract's `reminders` runs it alone). */
async function runJob(job: 'expiry' | 'reminders' = 'expiry') {
  const run = await api.call<{ result: { lots: LotsRun } }>('POST', `/v1/admin/jobs/${job}/run`, { as: 'admin' });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  return run.body.result.lots;
}

describe('a year of a member’s points lots, by the test clock', () => {
  it('keeps every balance, entry and event right through earns, redemptions, refunds, reminders and expiries', async () => {
    // Day 0 is 09:00 UTC on the first day of the month after next: a real, future date whatever today is.
    const today = new Date();
    const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 2, 1, 9);
    const day = (n: number) => start + n * DAY;
    await moveTo(day(0));

    const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    expect(enrolled.status).toBe(201);
    const memberId = enrolled.body.memberId;
    const member = `/v1/members/${memberId}`;
    const points = async () => (await api.call<{ points: Record<string, unknown> }>('GET', member)).body.points;
    const expiresA = endOfMonthAfter(day(0), 3); // the signup bonus, available at once
    expect(await points()).toMatchObject({
      balance: 100,
      pending: 0,
      expiring: [{ points: 100, expiresAt: expiresA }],
    });

    // Day 0: a purchase; its 60 points are pending for 14 days and cannot be spent.
    const earned1 = await api.call('POST', `${member}/earn`, { body: { orderId: 'o1', amount: eur(60) } });
    expect(earned1.status).toBe(201);
    expect(earned1.body).toMatchObject({ points: 60, pointsStatus: 'pending', balance: { points: 100 } });
    expect(await points()).toMatchObject({ balance: 100, pending: 60 });

    await moveTo(day(1));
    const tooMuch = await api.call<{ type: string }>('POST', `${member}/redeem`, { body: { points: 120 } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.type).toMatch(/insufficient-points$/);
    const redeemed1 = await api.call('POST', `${member}/redeem`, { body: { points: 30 } });
    expect(redeemed1.body).toMatchObject({ points: -30, balance: { points: 70 } });

    // Day 5: a third of the order comes back inside its window: its pending points go first.
    await moveTo(day(5));
    const refunded1 = await api.call('POST', `${member}/refunds`, { body: { orderId: 'o1', amount: eur(20) } });
    expect(refunded1.status).toBe(201);
    expect(refunded1.body).toMatchObject({ points: -20, balance: { points: 70 } });
    expect(await points()).toMatchObject({ balance: 70, pending: 40 });

    // Day 15: available by time alone, on every read, before any job; the job then announces it once.
    await moveTo(day(15));
    expect(await points()).toMatchObject({
      balance: 110,
      pending: 0,
      expiring: [{ points: 110, expiresAt: expiresA }],
    });
    const ledger = (await api.call<{ items: Transaction[] }>('GET', `${member}/transactions`)).body.items;
    expect(ledger.find((entry) => entry.orderId === 'o1' && entry.type === 'earn')).toMatchObject({
      pointsStatus: 'available',
    });
    expect(await runJob()).toMatchObject({ available: 40, reminders: 0, pointsExpired: 0 });
    expect(await runJob()).toMatchObject({ available: 0, reminders: 0, pointsExpired: 0 });

    // Day 40: a second purchase, available on day 54, so it expires a month later than the first lots.
    await moveTo(day(40));
    expect((await api.call('POST', `${member}/earn`, { body: { orderId: 'o2', amount: eur(80) } })).body).toMatchObject(
      { points: 80, pointsStatus: 'pending', balance: { points: 110 } },
    );
    const expiresB = endOfMonthAfter(day(54), 3);
    await moveTo(day(55));
    expect(await runJob()).toMatchObject({ available: 80 });
    expect(await points()).toMatchObject({
      balance: 190,
      pending: 0,
      expiring: [
        { points: 110, expiresAt: expiresA },
        { points: 80, expiresAt: expiresB },
      ],
    });

    // Day 60: the soonest-expiring points go first: the bonus's 70, then 30 of the first order's 40.
    await moveTo(day(60));
    const redeemed2 = await api.call('POST', `${member}/redeem`, { body: { points: 100 } });
    expect(redeemed2.body).toMatchObject({ points: -100, balance: { points: 90 } });
    expect(await points()).toMatchObject({
      balance: 90,
      expiring: [
        { points: 10, expiresAt: expiresA },
        { points: 80, expiresAt: expiresB },
      ],
    });

    // Day 65: the rest of the first order comes back: its lot's 10, and the 30 already spent from the balance.
    await moveTo(day(65));
    const refunded2 = await api.call('POST', `${member}/refunds`, { body: { orderId: 'o1', amount: eur(40) } });
    expect(refunded2.body).toMatchObject({ points: -40, balance: { points: 50 } });
    expect(await points()).toMatchObject({ balance: 50, pending: 0, expiring: [{ points: 50, expiresAt: expiresB }] });

    // The first lots' expiry passes with nothing left in them: no reminder, no expiry entry.
    await moveTo(Date.parse(expiresA) - 5 * DAY);
    expect(await runJob()).toMatchObject({ available: 0, reminders: 0, pointsExpired: 0 });
    await moveTo(Date.parse(expiresA) + HOUR);
    expect(await runJob()).toMatchObject({ reminders: 0, pointsExpired: 0 });

    // Ten days before the second lot expires: one reminder, once; then it expires, what is left of it.
    await moveTo(Date.parse(expiresB) - 9 * DAY);
    expect(await runJob('reminders')).toMatchObject({ reminders: 1, pointsExpired: 0 });
    expect(await runJob('reminders')).toMatchObject({ reminders: 0, pointsExpired: 0 });
    await moveTo(Date.parse(expiresB) + HOUR);
    expect(await runJob()).toMatchObject({ reminders: 0, pointsExpired: 50 });
    expect(await points()).toMatchObject({ balance: 0, pending: 0, expiring: [] });
    expect(await runJob()).toMatchObject({ pointsExpired: 0 });

    // Day 200: a third purchase, half spent once available.
    await moveTo(day(200));
    await api.call('POST', `${member}/earn`, { body: { orderId: 'o3', amount: eur(90) } });
    const expiresC = endOfMonthAfter(day(214), 3);
    await moveTo(day(215));
    expect(await runJob()).toMatchObject({ available: 90 });
    await moveTo(day(220));
    expect((await api.call('POST', `${member}/redeem`, { body: { points: 50 } })).body).toMatchObject({
      balance: { points: 40 },
    });

    // A fourth purchase returned whole inside its window: nothing of it is ever spendable or announced.
    await moveTo(Date.parse(expiresC) - 25 * DAY);
    await api.call('POST', `${member}/earn`, { body: { orderId: 'o4', amount: eur(70) } });
    expect(await points()).toMatchObject({ balance: 40, pending: 70 });
    await moveTo(Date.parse(expiresC) - 20 * DAY);
    const refunded4 = await api.call('POST', `${member}/refunds`, { body: { orderId: 'o4', amount: eur(70) } });
    expect(refunded4.body).toMatchObject({ points: -70, balance: { points: 40 } });
    expect(await points()).toMatchObject({ balance: 40, pending: 0, expiring: [{ points: 40, expiresAt: expiresC }] });

    await moveTo(Date.parse(expiresC) - 9 * DAY);
    expect(await runJob()).toMatchObject({ available: 0, reminders: 1, pointsExpired: 0 });
    await moveTo(Date.parse(expiresC) + HOUR);
    expect(await runJob()).toMatchObject({ available: 0, reminders: 0, pointsExpired: 40 });

    // A last purchase before the year is out, available and announced by day 365.
    const fifth = Date.parse(expiresC) + 2 * DAY;
    expect(fifth).toBeLessThan(day(350));
    await moveTo(fifth);
    await api.call('POST', `${member}/earn`, { body: { orderId: 'o5', amount: eur(25) } });
    await moveTo(day(365));
    expect(await runJob()).toMatchObject({ available: 25, reminders: 0, pointsExpired: 0 });
    const expiresE = endOfMonthAfter(fifth + 14 * DAY, 3);
    expect(await points()).toMatchObject({ balance: 25, pending: 0, expiring: [{ points: 25, expiresAt: expiresE }] });

    // The ledger is the truth: every entry, the balance after it, and its sum.
    const entries = (await api.call<{ items: Transaction[] }>('GET', `${member}/transactions?limit=100`)).body.items
      .slice()
      .reverse();
    expect(entries.map((entry) => [entry.type, entry.orderId ?? null, entry.points, entry.balance.points])).toEqual([
      ['bonus', null, 100, 100],
      ['earn', 'o1', 60, 100],
      ['redeem', null, -30, 70],
      ['refund', 'o1', -20, 70],
      ['earn', 'o2', 80, 110],
      ['redeem', null, -100, 90],
      ['refund', 'o1', -40, 50],
      ['expiry', null, -50, 0],
      ['earn', 'o3', 90, 0],
      ['redeem', null, -50, 40],
      ['earn', 'o4', 70, 40],
      ['refund', 'o4', -70, 40],
      ['expiry', null, -40, 0],
      ['earn', 'o5', 25, 0],
    ]);
    expect(entries.reduce((sum, entry) => sum + entry.points, 0)).toBe(25);
    expect(entries.filter((entry) => entry.type === 'earn').every((entry) => entry.pointsStatus === 'available')).toBe(
      true,
    );

    // Every event of the member, in order, with what it says.
    const feed = (await api.call<{ items: FeedEvent[] }>('GET', `/v1/events?memberId=${memberId}&limit=100`)).body
      .items;
    // Every event (availability, reminders and expiries included) is shaped as the document's webhooks publish it.
    const validator = new OpenApiValidator(openApiDocument());
    expect(feed.flatMap((event) => validator.checkEvent(event))).toEqual([]);
    const summary = feed.map(({ type, data }): unknown[] =>
      type === 'member.enrolled'
        ? [type, (data.points as { balance: number }).balance]
        : type === 'points.available'
          ? [type, data.orderId, data.points]
          : type === 'points.expiring'
            ? [type, data.points, data.expiresAt]
            : [type, data.orderId ?? null, data.points, data.balance?.points],
    );
    expect(summary).toEqual([
      ['member.enrolled', 100],
      ['points.earned', 'o1', 60, 100],
      ['points.redeemed', null, -30, 70],
      ['points.refunded', 'o1', -20, 70],
      ['points.available', 'o1', 40],
      ['points.earned', 'o2', 80, 110],
      ['points.available', 'o2', 80],
      ['points.redeemed', null, -100, 90],
      ['points.refunded', 'o1', -40, 50],
      ['points.expiring', 50, expiresB],
      ['points.expired', null, -50, 0],
      ['points.earned', 'o3', 90, 0],
      ['points.available', 'o3', 90],
      ['points.redeemed', null, -50, 40],
      ['points.earned', 'o4', 70, 40],
      ['points.refunded', 'o4', -70, 40],
      ['points.expiring', 40, expiresC],
      ['points.expired', null, -40, 0],
      ['points.earned', 'o5', 25, 0],
      ['points.available', 'o5', 25],
    ]);
    // Events by time alone carry the test clock's time of the run that found them.
    const lastAvailable = feed.at(-1);
    expect(Date.parse(lastAvailable?.createdAt ?? '')).toBeGreaterThanOrEqual(day(365));
    // The first announcement: the first order's lot, available 14 days after its purchase (day 0).
    const firstAvailable = feed.find((event) => event.type === 'points.available')?.data ?? {};
    expect(firstAvailable).toMatchObject({ orderId: 'o1', points: 40 });
    expect(Date.parse(String(firstAvailable.availableAt)) - day(14)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(String(firstAvailable.availableAt)) - day(14)).toBeLessThan(DAY);

    // The same events by time alone reach the webhook receiver, signed (standardwebhooks).
    const timeEvents = summary.filter(([type]) => TIME_TYPES.includes(type as string));
    await receiver.waitFor((received) => received.length >= timeEvents.length, 30_000);
    const delivered = receiver.received.map(
      (request) =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
    expect(delivered.map((event) => event.type).sort()).toEqual(timeEvents.map(([type]) => type as string).sort());
  }, 300_000);
});

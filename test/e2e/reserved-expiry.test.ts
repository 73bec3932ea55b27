import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import type { ProgramRules } from '@shared/schemas/program';
import { startTestApi, type TestApi } from '../support/api';

/**
 * Expiry and the points reserved for codes charged at use, over HTTP by the test clock: inactivity
 * expiry and lot expiry take only what is not reserved, so the code's later use is charged from
 * what was kept and the balance never goes below zero; a reservation that ends without a use
 * (cancelled, or the code expired) gives back points that then follow the normal expiry rules.
 * Every step checks the member's points and the ledger sum = balance + pending + reserved.
 */
const DAY = 86_400_000;
let now = Date.parse('2026-06-01T09:00:00.000Z');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(
    { bonuses: { signup: 1000, referrer: 0, referee: 0, birthday: 0 } },
    { testClock: true, testClockStart: new Date(now) },
  );
}, 60_000);
afterAll(async () => api?.stop());

async function useProgram(overrides: Partial<ProgramRules>) {
  const body = {
    ...structuredClone(defaultProgram),
    bonuses: { signup: 1000, referrer: 0, referee: 0, birthday: 0 },
    ...overrides,
  };
  const put = await api.call('PUT', '/v1/admin/program', { as: 'admin', body });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}

async function moveClock(to: number) {
  now = to;
  const moved = await api.call('POST', '/v1/admin/test-clock', {
    as: 'admin',
    body: { now: new Date(to).toISOString() },
  });
  expect(moved.status).toBe(200);
}

let rewardCount = 0;
async function reservingReward(pointsCost: number, validDays: number): Promise<string> {
  rewardCount += 1;
  const rewardId = `reserving-${rewardCount}`;
  const put = await api.call('PUT', `/v1/admin/rewards/${rewardId}`, {
    as: 'admin',
    body: {
      name: `Reserving ${rewardCount}`,
      pointsCost,
      fulfilment: { type: 'code', source: 'generated', validDays, chargeOn: 'use' },
    },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  return rewardId;
}

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

async function issue(memberId: string, rewardId: string) {
  const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId } });
  expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
  return redeemed.body.code as { codeId: string; code: string; expiresAt: string };
}

interface Entry {
  type: string;
  points: number;
  balance: { points: number };
  breakdown?: { rule: string; points: number }[];
}
async function ledger(memberId: string): Promise<Entry[]> {
  return (await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`)).body.items;
}

/** The member's points, checked against the ledger: its sum is balance + pending + reserved, the balance never negative. */
async function points(memberId: string): Promise<{ balance: number; pending: number; reserved: number }> {
  const shown = (await api.call('GET', `/v1/members/${memberId}`)).body.points;
  const entries = await ledger(memberId);
  expect(entries.reduce((sum, entry) => sum + entry.points, 0)).toBe(shown.balance + shown.pending + shown.reserved);
  expect(shown.balance).toBeGreaterThanOrEqual(0);
  for (const entry of entries) expect(entry.balance.points).toBeGreaterThanOrEqual(0);
  return { balance: shown.balance, pending: shown.pending, reserved: shown.reserved };
}

/** The daily expiry job (inactivity, then the lots) and the hourly one (the codes' expiry among the scheduled rules). */
async function runTimeJob() {
  for (const job of ['expiry', 'time-changes']) {
    const run = await api.call('POST', `/v1/admin/jobs/${job}/run`, { as: 'admin' });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
  }
}

const use = (code: string, orderId: string) => api.call('POST', '/v1/codes/use', { body: { code, orderId } });
const cancel = (memberId: string, codeId: string) =>
  api.call('POST', `/v1/members/${memberId}/codes/${codeId}/cancel`, { body: { reason: 'support' } });

async function events(memberId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return (await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`)).body.items;
}

/**
 * A member with 1000 points who reserved 300 for a code: 10 days later what is shown and announced
 * as expiring (`expiring`: with lots, 700), 40 days later (past either expiry of this file's
 * programs) after the time job ran twice, one expiry of the 700 not reserved.
 */
async function reservedThenExpired(expiring: number[]): Promise<{ memberId: string; code: string }> {
  const rewardId = await reservingReward(300, 120);
  const memberId = await enrol();
  const { code } = await issue(memberId, rewardId);
  expect(await points(memberId)).toEqual({ balance: 700, pending: 0, reserved: 300 });
  // Within a lot's reminder window (30 days by default): only the points not reserved are expiring.
  await moveClock(now + 10 * DAY);
  await runTimeJob();
  const shown = (await api.call('GET', `/v1/members/${memberId}`)).body.points as { expiring?: { points: number }[] };
  expect((shown.expiring ?? []).map((expiring) => expiring.points)).toEqual(expiring);
  const reminders = (await events(memberId)).filter((event) => event.type === 'points.expiring');
  expect(reminders.map((event) => event.data.points)).toEqual(expiring);
  await moveClock(now + 30 * DAY);
  await runTimeJob();
  await runTimeJob();
  expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 300 });
  const expiries = (await ledger(memberId)).filter((entry) => entry.type === 'expiry');
  expect(expiries).toEqual([
    expect.objectContaining({ points: -700, balance: expect.objectContaining({ points: 0 }) }),
  ]);
  return { memberId, code };
}

describe('inactivity expiry with a reservation outstanding', () => {
  beforeAll(async () => useProgram({ expiry: { inactivityMonths: 1 } }));

  it('expires only what is not reserved; the later use is charged from the reservation and never below zero', async () => {
    const { memberId, code } = await reservedThenExpired([]);

    const used = await use(code, 'till:inactive-1');
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    expect(used.body.transaction).toMatchObject({ type: 'redeem', points: -300, balance: { points: 0 } });
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 0 });
  });

  it('gives the points back at a cancel, and the next run expires them while the member is still inactive', async () => {
    const rewardId = await reservingReward(300, 120);
    const memberId = await enrol();
    const { codeId } = await issue(memberId, rewardId);
    await moveClock(now + 40 * DAY);
    await runTimeJob();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 300 });

    expect((await cancel(memberId, codeId)).status).toBe(200);
    expect(await points(memberId)).toEqual({ balance: 300, pending: 0, reserved: 0 });
    await runTimeJob();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 0 });
    expect((await ledger(memberId)).filter((entry) => entry.type === 'expiry').map((entry) => entry.points)).toEqual([
      -300, -700,
    ]);
  });
});

describe('lot expiry with a reservation outstanding', () => {
  beforeAll(async () => useProgram({ expiry: { afterMonths: 1, roundTo: 'day' } }));

  it('expires only the lots’ unreserved points; the use is charged from what was kept, new points untouched', async () => {
    const { memberId, code } = await reservedThenExpired([700]);

    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'shop:after-expiry', amount: { value: 5_000, currency: 'EUR' } },
    });
    expect(earned.status, JSON.stringify(earned.body)).toBe(201);
    expect(await points(memberId)).toEqual({ balance: 50, pending: 0, reserved: 300 });

    const used = await use(code, 'till:lots-1');
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    expect(used.body.transaction).toMatchObject({ type: 'redeem', points: -300, balance: { points: 50 } });
    expect(await points(memberId)).toEqual({ balance: 50, pending: 0, reserved: 0 });
  });

  it('expires the kept points when the reservation ends without a use: at a cancel, and at the code’s expiry', async () => {
    const rewardId = await reservingReward(300, 60);
    const memberId = await enrol();
    const first = await issue(memberId, rewardId);
    const second = await issue(memberId, rewardId);
    expect(await points(memberId)).toEqual({ balance: 400, pending: 0, reserved: 600 });

    await moveClock(now + 40 * DAY);
    await runTimeJob();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 600 });

    // The cancelled code's points come back from lots that expired meanwhile: they expire with the cancel.
    const cancelled = await cancel(memberId, first.codeId);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.transaction).toBeUndefined();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 300 });

    await moveClock(Date.parse(second.expiresAt) + 60_000);
    await runTimeJob();
    expect((await api.call('GET', `/v1/members/${memberId}/codes?status=expired`)).body.items).toHaveLength(1);
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 0 });
    const expiries = (await ledger(memberId)).filter((entry) => entry.type === 'expiry');
    expect(expiries.map((entry) => entry.points)).toEqual([-300, -300, -400]);
    expect((await events(memberId)).filter((event) => event.type === 'points.expired')).toHaveLength(3);
    expect((await use(second.code, 'till:too-late')).body.type).toMatch(/code-expired$/);
  });
});

describe('inactivity expiry of a member with lots, with a reservation outstanding', () => {
  beforeAll(async () => useProgram({ earn: { pointsPerUnit: 1, holdDays: 1 }, expiry: { inactivityMonths: 1 } }));

  it('keeps the reserved points; a cancel expires them in its own transaction, the lots having died', async () => {
    const rewardId = await reservingReward(300, 120);
    const memberId = await enrol();
    const { codeId } = await issue(memberId, rewardId);
    await moveClock(now + 40 * DAY);
    await runTimeJob();
    await runTimeJob();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 300 });

    const cancelled = await cancel(memberId, codeId);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.transaction).toBeUndefined();
    expect(await points(memberId)).toEqual({ balance: 0, pending: 0, reserved: 0 });
    const expiries = (await ledger(memberId)).filter((entry) => entry.type === 'expiry');
    expect(expiries.map((entry) => [entry.points, entry.breakdown?.[0]?.rule])).toEqual([
      [-300, 'reservation-ended'],
      [-700, 'inactivity'],
    ]);
    const expired = (await events(memberId)).filter((event) => event.type === 'points.expired');
    expect(expired.map((event) => event.data.points)).toEqual([-700, -300]);
  });
});

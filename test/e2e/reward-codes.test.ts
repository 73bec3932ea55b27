import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * Reward codes over HTTP: issued by a redemption, validated, used, released and cancelled by the
 * till and the support desk, expiring exactly at expiresAt by the test clock; pool uploads,
 * counts, reservations, events, donations; and every refusal of the contract, which writes nothing.
 */
const problems = 'https://rewards-api.dev/problems/';
const DAY = 86_400_000;
const start = new Date('2026-06-01T09:00:00.000Z');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(
    { bonuses: { signup: 1000, referrer: 0, referee: 0, birthday: 0 } },
    { testClock: true, testClockStart: start },
  );
}, 60_000);
afterAll(async () => api?.stop());

let rewardCount = 0;
async function codeReward(fulfilment: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  rewardCount += 1;
  const rewardId = `reward-${rewardCount}`;
  const put = await api.call('PUT', `/v1/admin/rewards/${rewardId}`, {
    as: 'admin',
    body: { name: `Reward ${rewardCount}`, pointsCost: 300, fulfilment: { type: 'code', ...fulfilment }, ...extra },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  return rewardId;
}
const generated = { source: 'generated', validDays: 30, chargeOn: 'issue' };

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

async function redeem(memberId: string, body: Record<string, unknown>) {
  return api.call('POST', `/v1/members/${memberId}/redeem`, { body });
}

async function issuedCode(memberId: string, rewardId: string) {
  const redeemed = await redeem(memberId, { rewardId });
  expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
  return redeemed.body.code as { codeId: string; code: string; expiresAt: string };
}

const till = (path: 'validate' | 'use' | 'release', body: Record<string, unknown>) =>
  api.call('POST', `/v1/codes/${path}`, { body, ...(path === 'validate' ? { idempotencyKey: null } : {}) });

async function member(memberId: string) {
  return (await api.call('GET', `/v1/members/${memberId}`)).body;
}
async function ledger(memberId: string): Promise<{ type: string; points: number }[]> {
  return (await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`)).body.items;
}
const sum = (entries: { points: number }[]) => entries.reduce((total, entry) => total + entry.points, 0);
async function events(memberId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return (await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`)).body.items;
}
async function moveClock(to: Date) {
  const moved = await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to.toISOString() } });
  expect(moved.status).toBe(200);
}

describe('a generated code charged at issue', () => {
  it('is issued by the redemption: 12 unambiguous symbols, the points debited, listed for the member', async () => {
    const rewardId = await codeReward({ ...generated, value: { percentOff: 1000 } });
    const memberId = await enrol();
    const redeemed = await redeem(memberId, { rewardId, orderId: 'shop:1' });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({
      type: 'redeem',
      points: -300,
      rewardId,
      balance: { points: 700 },
      code: { rewardId, memberId, status: 'issued', chargeOn: 'issue', value: { percentOff: 1000 } },
    });
    expect(redeemed.body.code.code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(Date.parse(redeemed.body.code.expiresAt) - Date.parse(redeemed.body.code.issuedAt)).toBe(30 * DAY);
    const listed = await api.call('GET', `/v1/members/${memberId}/codes`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([redeemed.body.code]);
    expect((await api.call('GET', `/v1/members/${memberId}/codes?status=used`)).body.items).toEqual([]);
  });

  it('is validated in one read, used once, the same order answered the same, another order refused', async () => {
    const rewardId = await codeReward(generated);
    const memberId = await enrol();
    const { code } = await issuedCode(memberId, rewardId);
    const valid = await till('validate', { code });
    expect(valid).toMatchObject({ status: 200, body: { valid: true, code: { code, status: 'issued' } } });
    const used = await till('use', { code, orderId: 'till-1:1' });
    expect(used.status).toBe(200);
    expect(used.body.code).toMatchObject({ code, status: 'used', orderId: 'till-1:1' });
    expect(used.body.transaction).toBeUndefined();
    const again = await till('use', { code, orderId: 'till-1:1' });
    expect(again).toMatchObject({ status: 200, body: used.body });
    const other = await till('use', { code, orderId: 'till-2:9' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      type: `${problems}code-used`,
      orderId: 'till-1:1',
      usedAt: used.body.code.usedAt,
    });
    expect((await till('validate', { code })).body).toEqual({ valid: false, reason: 'used' });
    expect((await till('validate', { code: 'NOPE-NOT-A-CODE' })).body).toEqual({ valid: false, reason: 'unknown' });
  });

  it('is issued again by a release for its order, and refused a release for another', async () => {
    const rewardId = await codeReward(generated);
    const memberId = await enrol();
    const { code } = await issuedCode(memberId, rewardId);
    await till('use', { code, orderId: 'till-1:2' });
    const wrong = await till('release', { code, orderId: 'till-1:3' });
    expect(wrong).toMatchObject({ status: 409, body: { type: `${problems}code-not-used-for-order` } });
    const released = await till('release', { code, orderId: 'till-1:2' });
    expect(released).toMatchObject({ status: 200, body: { code: { code, status: 'issued' } } });
    expect(released.body.code.orderId).toBeUndefined();
    expect((await till('use', { code, orderId: 'till-1:4' })).status).toBe(200);
  });

  it('cancelled by the support desk gives the points back as a return entry, once', async () => {
    const rewardId = await codeReward(generated);
    const memberId = await enrol();
    const { codeId } = await issuedCode(memberId, rewardId);
    const cancel = () =>
      api.call('POST', `/v1/members/${memberId}/codes/${codeId}/cancel`, { body: { reason: 'changed mind' } });
    const cancelled = await cancel();
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      code: { codeId, status: 'cancelled' },
      transaction: { type: 'return', points: 300, rewardId, balance: { points: 1000 } },
    });
    expect((await cancel()).body).toMatchObject({ type: `${problems}code-cancelled` });
    expect((await member(memberId)).points).toMatchObject({ balance: 1000, lifetimeRedeemed: 0 });
    expect(sum(await ledger(memberId))).toBe(1000);
  });

  it('refuses to cancel a code that was used', async () => {
    const rewardId = await codeReward(generated);
    const memberId = await enrol();
    const { code, codeId } = await issuedCode(memberId, rewardId);
    await till('use', { code, orderId: 'till-1:5' });
    const cancelled = await api.call('POST', `/v1/members/${memberId}/codes/${codeId}/cancel`, {
      body: { reason: 'too late' },
    });
    expect(cancelled).toMatchObject({ status: 409, body: { type: `${problems}code-used`, orderId: 'till-1:5' } });
  });
});

describe('a code charged at use: the points reserved', () => {
  it('keeps ledger sum = balance + pending + reserved through issue, use, release and cancel', async () => {
    const rewardId = await codeReward({ ...generated, chargeOn: 'use' });
    const memberId = await enrol();
    const check = async (expected: { balance: number; reserved: number }) => {
      const points = (await member(memberId)).points;
      expect(points).toMatchObject(expected);
      expect(sum(await ledger(memberId))).toBe(points.balance + points.pending + points.reserved);
    };
    const redeemed = await redeem(memberId, { rewardId });
    expect(redeemed.body).toMatchObject({ type: 'redeem', points: 0, balance: { points: 700 } });
    await check({ balance: 700, reserved: 300 });
    // Reserved points are not spendable.
    expect((await redeem(memberId, { points: 701 })).body).toMatchObject({ type: `${problems}insufficient-points` });
    const used = await till('use', { code: redeemed.body.code.code, orderId: 'till-3:1' });
    expect(used.body.transaction).toMatchObject({ type: 'redeem', points: -300, orderId: 'till-3:1' });
    await check({ balance: 700, reserved: 0 });
    const again = await till('use', { code: redeemed.body.code.code, orderId: 'till-3:1' });
    expect(again.body).toEqual(used.body);
    const released = await till('release', { code: redeemed.body.code.code, orderId: 'till-3:1' });
    expect(released.body.transaction).toMatchObject({ type: 'return', points: 300 });
    await check({ balance: 700, reserved: 300 });
    const cancelled = await api.call('POST', `/v1/members/${memberId}/codes/${redeemed.body.code.codeId}/cancel`, {
      body: { reason: 'not wanted' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.transaction).toBeUndefined();
    await check({ balance: 1000, reserved: 0 });
    const stats = await api.call('GET', `/v1/admin/rewards/${rewardId}/codes/stats`, { as: 'admin' });
    expect(stats.body).toEqual({ issued: 0, used: 0, expired: 0, cancelled: 1, reserved: 0 });
  });

  it("are not spendable in the member's app either: a reward is affordable only from the points not reserved", async () => {
    const rewardId = await codeReward({ ...generated, chargeOn: 'use' });
    const dearer = await codeReward(generated, { pointsCost: 800 });
    const memberId = await enrol();
    await issuedCode(memberId, rewardId);
    const session = await api.call('POST', `/v1/members/${memberId}/sessions`);
    expect(session.status).toBe(201);
    const rewards = await api.call('GET', '/v1/me/rewards?limit=100', { key: session.body.token });
    expect(rewards.status).toBe(200);
    const affordable = (id: string) =>
      (rewards.body.items as { rewardId: string; affordable: boolean }[]).find((reward) => reward.rewardId === id)
        ?.affordable;
    expect(affordable(rewardId)).toBe(true);
    expect(affordable(dearer)).toBe(false);
  });
});

describe('pool codes', () => {
  it('are uploaded with duplicates reported, the stock is the codes left, an empty pool refuses', async () => {
    const rewardId = await codeReward({ source: 'pool', validDays: 10, chargeOn: 'issue' });
    const other = await codeReward({ source: 'pool', validDays: 10, chargeOn: 'issue' });
    const upload = (id: string, codes: string[]) =>
      api.call('POST', `/v1/admin/rewards/${id}/codes`, { as: 'admin', body: { codes } });
    expect((await upload(rewardId, ['POOL-AAA1', 'POOL-AAA2', 'POOL-AAA1'])).body).toEqual({
      added: 2,
      duplicates: ['POOL-AAA1'],
    });
    expect((await upload(other, ['POOL-AAA2', 'POOL-BBB1'])).body).toEqual({ added: 1, duplicates: ['POOL-AAA2'] });
    const rewards = (await api.call('GET', '/v1/rewards?limit=100')).body.items;
    expect(rewards.find((r: { rewardId: string }) => r.rewardId === rewardId)).toMatchObject({ stock: 2 });
    const memberId = await enrol();
    const first = await issuedCode(memberId, rewardId);
    const second = await issuedCode(memberId, rewardId);
    expect([first.code, second.code].sort()).toEqual(['POOL-AAA1', 'POOL-AAA2']);
    const before = await ledger(memberId);
    const empty = await redeem(memberId, { rewardId });
    expect(empty).toMatchObject({ status: 409, body: { type: `${problems}reward-out-of-stock` } });
    expect(await ledger(memberId)).toEqual(before);
    const stats = await api.call('GET', `/v1/admin/rewards/${rewardId}/codes/stats`, { as: 'admin' });
    expect(stats.body).toEqual({ available: 0, issued: 2, used: 0, expired: 0, cancelled: 0 });
    expect((await till('validate', { code: 'POOL-BBB1' })).body).toEqual({ valid: false, reason: 'unknown' });
    expect((await till('use', { code: 'POOL-BBB1', orderId: 'o-1' })).status).toBe(404);
  });
});

describe('a pool reward replaced while members redeem it', () => {
  it('keeps its stock equal to the codes left: a replace never undoes a redemption', async () => {
    const fulfilment = { source: 'pool', validDays: 10, chargeOn: 'issue' };
    const rewardId = await codeReward(fulfilment);
    const codes = Array.from({ length: 30 }, (_, i) => `RACE-${String(i).padStart(4, '0')}`);
    const uploaded = await api.call('POST', `/v1/admin/rewards/${rewardId}/codes`, { as: 'admin', body: { codes } });
    expect(uploaded.body).toEqual({ added: 30, duplicates: [] });
    const members = await Promise.all(Array.from({ length: 12 }, () => enrol()));
    const replace = (round: number) =>
      api.call('PUT', `/v1/admin/rewards/${rewardId}`, {
        as: 'admin',
        body: { name: `Pool reward, round ${round}`, pointsCost: 300, fulfilment: { type: 'code', ...fulfilment } },
      });
    const answers = await Promise.all([
      ...members.map((memberId) => redeem(memberId, { rewardId })),
      ...Array.from({ length: 8 }, (_, round) => replace(round)),
    ]);
    // A loaded machine may answer a racing write 503 (retry later): nothing of it was written.
    const statuses = answers.map((answer) => answer.status);
    expect(
      statuses.every((status) => [200, 201, 503].includes(status)),
      JSON.stringify(statuses),
    ).toBe(true);
    const redeemed = statuses.slice(0, members.length).filter((status) => status === 201).length;
    expect(redeemed).toBeGreaterThan(0);
    const stats = await api.call('GET', `/v1/admin/rewards/${rewardId}/codes/stats`, { as: 'admin' });
    expect(stats.body).toMatchObject({ available: 30 - redeemed, issued: redeemed });
    const listed = (await api.call('GET', '/v1/rewards?limit=100')).body.items as {
      rewardId: string;
      stock?: number;
    }[];
    expect(listed.find((reward) => reward.rewardId === rewardId)?.stock).toBe(30 - redeemed);
  });
});

describe('refusals: 400s, 404s and 409s that write nothing', () => {
  it('refuses a code reward outside the rules with the field at fault', async () => {
    const put = (fulfilment: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      api.call('PUT', '/v1/admin/rewards/bad-codes', {
        as: 'admin',
        body: { name: 'Bad', pointsCost: 10, fulfilment, ...extra },
      });
    for (const validDays of [0, 3651])
      expect((await put({ type: 'code', ...generated, validDays })).body.errors).toEqual([
        expect.objectContaining({ path: 'body.fulfilment.validDays' }),
      ]);
    expect((await put({ type: 'code', ...generated, chargeOn: 'use', onExpiry: 'returnPoints' })).body.errors).toEqual([
      expect.objectContaining({ path: 'body.fulfilment.onExpiry' }),
    ]);
    expect((await put({ type: 'code', source: 'pool', validDays: 5, chargeOn: 'issue' }, { stock: 3 })).status).toBe(
      400,
    );
    expect((await api.call('GET', '/v1/admin/rewards/bad-codes/codes/stats', { as: 'admin' })).status).toBe(404);
  });

  it('refuses a bad pool code with its index, and an upload over 10,000 codes', async () => {
    const rewardId = await codeReward({ source: 'pool', validDays: 10, chargeOn: 'issue' });
    const upload = (codes: string[]) =>
      api.call('POST', `/v1/admin/rewards/${rewardId}/codes`, { as: 'admin', body: { codes } });
    for (const bad of ['abc', 'x'.repeat(65), 'has space', 'café-code']) {
      const refused = await upload(['GOOD-0001', 'GOOD-0002', 'GOOD-0003', bad]);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'body.codes.3' })]);
    }
    const tooMany = await upload(Array.from({ length: 10_001 }, (_, i) => `C${String(i).padStart(5, '0')}`));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ path: 'body.codes' })]);
    expect((await till('validate', { code: 'GOOD-0001' })).body).toEqual({ valid: false, reason: 'unknown' });
    const stats = await api.call('GET', `/v1/admin/rewards/${rewardId}/codes/stats`, { as: 'admin' });
    expect(stats.body.available).toBe(0);
    const plain = await api.call('PUT', '/v1/admin/rewards/plain', { as: 'admin', body: { name: 'P', pointsCost: 1 } });
    expect(plain.status).toBe(201);
    expect(
      (await api.call('POST', '/v1/admin/rewards/plain/codes', { as: 'admin', body: { codes: ['ABCD'] } })).body,
    ).toMatchObject({ type: `${problems}not-a-pool-reward` });
  });

  it('answers 404 code-not-found to a use or release of an unknown code', async () => {
    for (const path of ['use', 'release'] as const) {
      const answer = await till(path, { code: 'UNKNOWN-CODE', orderId: 'o-404' });
      expect(answer).toMatchObject({ status: 404, body: { type: `${problems}code-not-found` } });
    }
    const memberId = await enrol();
    const cancel = await api.call('POST', `/v1/members/${memberId}/codes/cod_01JD0000000000000000000000/cancel`, {
      body: { reason: 'x' },
    });
    expect(cancel).toMatchObject({ status: 404, body: { type: `${problems}code-not-found` } });
  });

  it('keeps the till routes to keys with codes:use', async () => {
    const partner = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Reader', scopes: ['members:read'] },
    });
    const key = partner.body.apiKey as string;
    const answer = await api.call('POST', '/v1/codes/validate', { key, body: { code: 'X' }, idempotencyKey: null });
    expect(answer.status).toBe(403);
  });
});

describe('donations', () => {
  it('take any number of points ≥ the minimum; the catalog shows what members gave', async () => {
    const put = await api.call('PUT', '/v1/admin/rewards/trees', {
      as: 'admin',
      body: { name: 'Plant trees', pointsCost: 50, fulfilment: { type: 'donation', cause: 'Reforestation' } },
    });
    expect(put.status).toBe(201);
    const [ada, bob] = [await enrol(), await enrol()];
    const below = await redeem(ada, { rewardId: 'trees', points: 49 });
    expect(below).toMatchObject({ status: 400, body: { type: `${problems}donation-below-minimum` } });
    expect(await ledger(ada)).toHaveLength(1);
    expect((await redeem(ada, { rewardId: 'trees', points: 120 })).body).toMatchObject({
      type: 'redeem',
      points: -120,
      rewardId: 'trees',
    });
    expect((await redeem(ada, { rewardId: 'trees', points: 80 })).status).toBe(201);
    expect((await redeem(bob, { rewardId: 'trees' })).body).toMatchObject({ points: -50 });
    const notDonation = await codeReward(generated);
    expect((await redeem(ada, { rewardId: notDonation, points: 400 })).body).toMatchObject({
      type: `${problems}not-a-donation`,
    });
    const trees = (await api.call('GET', '/v1/rewards?limit=100')).body.items.find(
      (r: { rewardId: string }) => r.rewardId === 'trees',
    );
    expect(trees).toMatchObject({ donated: { points: 250, members: 2 } });
  });
});

describe('events', () => {
  it('tell every change of a code, without its text once it can no longer be used', async () => {
    const rewardId = await codeReward(generated);
    const memberId = await enrol();
    const first = await issuedCode(memberId, rewardId);
    await till('use', { code: first.code, orderId: 'ev:1' });
    await till('release', { code: first.code, orderId: 'ev:1' });
    await api.call('POST', `/v1/members/${memberId}/codes/${first.codeId}/cancel`, { body: { reason: 'r' } });
    const feed = (await events(memberId)).filter((e) => e.type.startsWith('code.') || e.type === 'points.returned');
    expect(feed.map((e) => e.type)).toEqual([
      'code.issued',
      'code.used',
      'code.released',
      'code.cancelled',
      'points.returned',
    ]);
    expect(feed[0]?.data).toMatchObject({ code: first.code, status: 'issued' });
    expect(feed[3]?.data).not.toHaveProperty('code');
    expect(feed[4]?.data).toMatchObject({ type: 'return', points: 300 });
  });
});

describe('many tills at once', () => {
  it('lets exactly one of 100 concurrent uses from different orders succeed; the rest answer 409 code-used', async () => {
    const rewardId = await codeReward({ ...generated, chargeOn: 'use' });
    const memberId = await enrol();
    const { code } = await issuedCode(memberId, rewardId);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => till('use', { code, orderId: `race:${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    expect(answers.filter((a) => a.status !== 409).map((a) => a.body)).toEqual([expect.anything()]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const winner = answers.find((a) => a.status === 200)?.body.code.orderId;
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body).toMatchObject({ type: `${problems}code-used`, orderId: winner });
    const entries = await ledger(memberId);
    expect(entries.filter((e) => e.type === 'redeem' && e.points === -300)).toHaveLength(1);
    expect((await member(memberId)).points).toMatchObject({ balance: 700, reserved: 0 });
  }, 60_000);
});

describe('expiry by the test clock', () => {
  it('is exact at the boundary: usable just before expiresAt, refused a millisecond after, before any job ran', async () => {
    const rewardId = await codeReward({ ...generated, validDays: 2 });
    const memberId = await enrol();
    const first = await issuedCode(memberId, rewardId);
    const second = await issuedCode(memberId, rewardId);
    await moveClock(new Date(Date.parse(first.expiresAt) - 3_000));
    expect((await till('use', { code: first.code, orderId: 'edge:1' })).status).toBe(200);
    await moveClock(new Date(Date.parse(second.expiresAt) + 1));
    expect((await till('validate', { code: second.code })).body).toEqual({ valid: false, reason: 'expired' });
    expect((await till('use', { code: second.code, orderId: 'edge:2' })).body).toMatchObject({
      type: `${problems}code-expired`,
    });
    expect((await api.call('GET', `/v1/members/${memberId}/codes?status=expired`)).body.items).toEqual([
      expect.objectContaining({ codeId: second.codeId, status: 'expired' }),
    ]);
  });

  it('marks past codes expired by the time rule: points returned, forfeited, or the reservation ended, once', async () => {
    const returned = await codeReward({ ...generated, validDays: 3 });
    const forfeit = await codeReward({ ...generated, validDays: 3, onExpiry: 'forfeit' });
    const reserved = await codeReward({ ...generated, validDays: 3, chargeOn: 'use' });
    const memberId = await enrol();
    const codes = [
      await issuedCode(memberId, returned),
      await issuedCode(memberId, forfeit),
      await issuedCode(memberId, reserved),
    ];
    expect((await member(memberId)).points).toMatchObject({ balance: 100, reserved: 300 });
    const runJob = () => api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    await moveClock(new Date(Date.parse(codes[0]?.expiresAt ?? '') + 60_000));
    expect((await runJob()).status).toBe(200);
    expect((await runJob()).status).toBe(200);
    const listed = (await api.call('GET', `/v1/members/${memberId}/codes`)).body.items;
    expect(listed.map((code: { status: string }) => code.status)).toEqual(['expired', 'expired', 'expired']);
    expect((await member(memberId)).points).toMatchObject({ balance: 700, reserved: 0 });
    const entries = await ledger(memberId);
    expect(entries.filter((entry) => entry.type === 'return')).toEqual([
      expect.objectContaining({ points: 300, rewardId: returned }),
    ]);
    const feed = (await events(memberId)).filter((e) => e.type === 'code.expired' || e.type === 'points.returned');
    expect(feed.map((e) => e.type).sort()).toEqual(['code.expired', 'code.expired', 'code.expired', 'points.returned']);
    for (const event of feed.filter((e) => e.type === 'code.expired')) expect(event.data).not.toHaveProperty('code');
    const stats = await api.call('GET', `/v1/admin/rewards/${reserved}/codes/stats`, { as: 'admin' });
    expect(stats.body).toEqual({ issued: 0, used: 0, expired: 1, cancelled: 0, reserved: 0 });
  });
});

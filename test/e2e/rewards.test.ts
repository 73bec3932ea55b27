import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import { startTestApi, type TestApi } from '../support/api';

const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});
afterAll(async () => api?.stop());

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

const putReward = (rewardId: string, body: Record<string, unknown>) =>
  api.call('PUT', `/v1/admin/rewards/${rewardId}`, {
    as: 'admin',
    body: { name: `Reward ${rewardId}`, pointsCost: 40, ...body },
  });

describe('the catalog over HTTP', () => {
  it('creates a reward with 201 and replaces it with 200', async () => {
    const created = await putReward('mug', { stock: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      rewardId: 'mug',
      name: 'Reward mug',
      pointsCost: 40,
      stock: 10,
      active: true,
    });
    const replaced = await putReward('mug', { pointsCost: 45, stock: 8 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ rewardId: 'mug', pointsCost: 45, stock: 8 });
  });

  it('is for admins only', async () => {
    expect((await api.call('PUT', '/v1/admin/rewards/mug', { body: { name: 'x', pointsCost: 1 } })).status).toBe(403);
  });

  it('refuses an invalid reward with 400 and the fields at fault', async () => {
    const response = await putReward('bad', {
      pointsCost: 0,
      stock: -1,
      availableFrom: '2026-06-02T00:00:00.000Z',
      availableTo: '2026-06-01T00:00:00.000Z',
      colour: 'red',
    });
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.pointsCost', 'body.stock']));
    const unknownTier = await putReward('bad', { minTier: 'platinum' });
    expect(unknownTier.status).toBe(400);
    expect(unknownTier.body).toMatchObject({ type: `${problems}unknown-tier`, errors: [{ path: 'body.minTier' }] });
    expect(
      (await api.call('GET', '/v1/rewards?limit=100')).body.items.map((r: { rewardId: string }) => r.rewardId),
    ).not.toContain('bad');
  });

  it('lists the active rewards, paginated with a cursor', async () => {
    for (const id of ['page-1', 'page-2', 'page-3']) expect((await putReward(id, {})).status).toBe(201);
    await putReward('page-off', { active: false });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call('GET', `/v1/rewards?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { rewardId: string }) => r.rewardId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(['page-1', 'page-2', 'page-3']));
    expect(seen).not.toContain('page-off');
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor that is not one', async () => {
    const response = await api.call('GET', '/v1/rewards?cursor=garbage');
    expect(response.status).toBe(400);
  });
});

describe('redeeming rewards over HTTP', () => {
  it('redeems a reward for its cost, the transaction naming the reward', async () => {
    await putReward('cup', { pointsCost: 60, stock: 5 });
    const memberId = await enrol();
    const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'cup' } });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({ type: 'redeem', points: -60, rewardId: 'cup', balance: { points: 40 } });
    const listed = (await api.call('GET', '/v1/rewards?limit=100')).body.items.find(
      (r: { rewardId: string }) => r.rewardId === 'cup',
    );
    expect(listed.stock).toBe(4);
  });

  it('gives a reward with stock 2 to exactly 2 of 3 members redeeming at once; the third gets 409 out of stock', async () => {
    await putReward('limited', { stock: 2 });
    const members = await Promise.all([enrol(), enrol(), enrol()]);
    const responses = await Promise.all(
      members.map((memberId) => api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'limited' } })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 409]);
    expect(responses.find((r) => r.status === 409)?.body).toMatchObject({
      type: `${problems}reward-out-of-stock`,
      status: 409,
    });
    const balances = await Promise.all(
      members.map(async (memberId) => (await api.call('GET', `/v1/members/${memberId}`)).body.points.balance),
    );
    expect(balances.sort((a, b) => a - b)).toEqual([60, 60, 100]);
  });

  it('answers an unknown reward with 404', async () => {
    const response = await api.call('POST', `/v1/members/${await enrol()}/redeem`, {
      body: { rewardId: 'no-such-reward' },
    });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe(`${problems}reward-not-found`);
  });

  it('answers a member below the reward tier with 409 tier-too-low', async () => {
    await putReward('gold-lounge', { minTier: 'gold' });
    const response = await api.call('POST', `/v1/members/${await enrol()}/redeem`, {
      body: { rewardId: 'gold-lounge' },
    });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe(`${problems}tier-too-low`);
  });

  it('answers a reward outside its window with 409 reward-not-available', async () => {
    await putReward('next-season', { availableFrom: new Date(Date.now() + 86_400_000).toISOString() });
    const response = await api.call('POST', `/v1/members/${await enrol()}/redeem`, {
      body: { rewardId: 'next-season' },
    });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe(`${problems}reward-not-available`);
  });

  it('answers a reward the balance cannot pay with 409 insufficient-points', async () => {
    await putReward('bike', { pointsCost: 5_000 });
    const memberId = await enrol();
    await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId: 'o-1', amount: eur(1_000) } });
    const response = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { rewardId: 'bike' } });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe(`${problems}insufficient-points`);
  });

  it('replays a redemption with the same idempotency key without taking stock twice', async () => {
    await putReward('scarf', { stock: 3 });
    const memberId = await enrol();
    const first = await api.call('POST', `/v1/members/${memberId}/redeem`, {
      body: { rewardId: 'scarf' },
      idempotencyKey: 'redeem-scarf-1',
    });
    const again = await api.call('POST', `/v1/members/${memberId}/redeem`, {
      body: { rewardId: 'scarf' },
      idempotencyKey: 'redeem-scarf-1',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const listed = (await api.call('GET', '/v1/rewards?limit=100')).body.items.find(
      (r: { rewardId: string }) => r.rewardId === 'scarf',
    );
    expect(listed.stock).toBe(2);
  });
});

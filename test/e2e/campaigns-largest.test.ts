import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The largest allowed campaigns: 100 on one segment (60 giving a code, 40 a bonus). A member
 * entering it earns all 100, far more than one DynamoDB transaction holds (100 items, about 9
 * per code and 4 per bonus): what fits applies in the entry's own write, the rest is owed on the
 * member in that same write and the time job applies it — each campaign exactly once, nothing lost.
 */
const start = new Date('2026-03-02T09:00:00.000Z');
const CODES = 60;
const BONUSES = 40;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(
    { bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } },
    { testClock: true, testClockStart: start },
  );
  for (let index = 0; index < CODES; index++) {
    const reward = await api.call('PUT', `/v1/admin/rewards/thanks-${index}`, {
      as: 'admin',
      body: {
        name: `Thanks ${index}`,
        pointsCost: 1,
        fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
      },
    });
    expect(reward.status).toBe(201);
  }
  const segment = await api.call('PUT', '/v1/admin/segments/everyone', {
    as: 'admin',
    body: { name: 'Everyone', list: true },
  });
  expect(segment.status).toBe(201);
  for (let index = 0; index < CODES + BONUSES; index++) {
    const effect =
      index < CODES ? { type: 'reward', rewardId: `thanks-${index}` } : { type: 'bonus', points: index + 1 };
    const put = await api.call('PUT', `/v1/admin/campaigns/c-${String(index).padStart(3, '0')}`, {
      as: 'admin',
      body: { name: `Campaign ${index}`, segmentId: 'everyone', startsAt: start.toISOString(), effect },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
  }
}, 120_000);
afterAll(async () => api?.stop());

async function applied(memberId: string): Promise<{ campaignId: string; applied: number }[]> {
  const found: { campaignId: string; applied: number }[] = [];
  for (let after: string | undefined, page = 0; page < 10; page++) {
    const query = `memberId=${memberId}&types=campaign.applied&limit=100${after ? `&after=${after}` : ''}`;
    const answer = await api.call('GET', `/v1/events?${query}`);
    expect(answer.status).toBe(200);
    const items = answer.body.items as { data: { campaignId: string; applied: number } }[];
    if (items.length === 0) break;
    found.push(...items.map((event) => event.data));
    after = answer.body.nextCursor as string;
  }
  return found;
}

describe('100 campaigns on one segment', () => {
  it('all apply exactly once: what fits in the entry, the rest owed and applied by the time job', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: true, analytics: false } },
    });
    const memberId = enrolled.body.memberId as string;
    const added = await api.call('POST', '/v1/admin/segments/everyone/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const inEntry = (await applied(memberId)).length;
    expect(inEntry).toBeGreaterThan(0);
    expect(inEntry).toBeLessThan(CODES + BONUSES);

    await api.call('POST', '/v1/admin/test-clock', {
      as: 'admin',
      body: { now: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    // One run of the job applies the rest (a pass per transaction); a second finds nothing owed.
    const job = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);
    expect(await applied(memberId)).toHaveLength(CODES + BONUSES);
    await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });

    const all = await applied(memberId);
    expect(all.map((event) => event.campaignId).sort()).toEqual(
      Array.from({ length: CODES + BONUSES }, (_, index) => `c-${String(index).padStart(3, '0')}`),
    );
    expect(new Set(all.map((event) => event.applied))).toEqual(new Set([1]));
    const codes = await api.call('GET', `/v1/members/${memberId}/codes?limit=100`);
    expect(codes.body.items).toHaveLength(CODES);
    const bonusPoints = Array.from({ length: BONUSES }, (_, index) => CODES + index + 1).reduce((a, b) => a + b, 0);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(bonusPoints);
  }, 120_000);
});

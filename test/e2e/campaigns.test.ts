import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign } from '@shared/schemas/campaigns';
import { startTestApi, type TestApi } from '../support/api';

/**
 * Campaigns over HTTP, by the test clock: the admin routes and every refusal of the contract
 * (which writes nothing).
 */
const problems = 'https://rewards-api.dev/problems/';
const start = new Date('2026-06-01T09:00:00.000Z');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(
    { bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } },
    { testClock: true, testClockStart: start },
  );
  const reward = await api.call('PUT', '/v1/admin/rewards/free-coffee', {
    as: 'admin',
    body: {
      name: 'Free coffee',
      pointsCost: 500,
      fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
    },
  });
  expect(reward.status, JSON.stringify(reward.body)).toBe(201);
  const plain = await api.call('PUT', '/v1/admin/rewards/mug', { as: 'admin', body: { name: 'Mug', pointsCost: 10 } });
  expect(plain.status).toBe(201);
}, 60_000);
afterAll(async () => api?.stop());

const putCampaign = (campaignId: string, body: unknown) =>
  api.call('PUT', `/v1/admin/campaigns/${campaignId}`, { as: 'admin', body });

const bonusCampaign = (segmentId: string, extra: Record<string, unknown> = {}) => ({
  name: 'Welcome back',
  segmentId,
  startsAt: start.toISOString(),
  effect: { type: 'bonus', points: 250 },
  ...extra,
});

describe('the campaign routes', () => {
  it('creates (201), replaces (200), reads, lists a page at a time and deletes a campaign, each save audited', async () => {
    const created = await putCampaign('crud-1', bonusCampaign('lapsed'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(Campaign.parse(created.body)).toEqual({
      campaignId: 'crud-1',
      name: 'Welcome back',
      segmentId: 'lapsed',
      startsAt: start.toISOString(),
      effect: { type: 'bonus', points: 250 },
      limits: { perMember: 1 },
      updatedAt: expect.stringMatching(/^2026-06-01T09:/) as string,
    });
    const replaced = await putCampaign('crud-1', bonusCampaign('lapsed', { limits: { perMember: 3 } }));
    expect(replaced.status).toBe(200);
    expect(replaced.body.limits).toEqual({ perMember: 3 });
    expect((await putCampaign('crud-1', bonusCampaign('lapsed', { limits: { perMember: 3 } }))).status).toBe(200);
    const read = await api.call('GET', '/v1/admin/campaigns/crud-1', { as: 'admin' });
    expect(read.body).toEqual(replaced.body);

    expect((await putCampaign('crud-2', bonusCampaign('lapsed'))).status).toBe(201);
    const first = await api.call('GET', '/v1/admin/campaigns?limit=1', { as: 'admin' });
    expect(first.body.items.map((c: { campaignId: string }) => c.campaignId)).toEqual(['crud-1']);
    const second = await api.call('GET', `/v1/admin/campaigns?limit=1&cursor=${first.body.nextCursor}`, {
      as: 'admin',
    });
    expect(second.body.items.map((c: { campaignId: string }) => c.campaignId)).toEqual(['crud-2']);

    expect((await api.call('DELETE', '/v1/admin/campaigns/crud-2', { as: 'admin' })).status).toBe(204);
    const gone = await api.call('GET', '/v1/admin/campaigns/crud-2', { as: 'admin' });
    expect(gone.status).toBe(404);
    expect(gone.body.type).toBe(`${problems}campaign-not-found`);
    expect((await api.call('DELETE', '/v1/admin/campaigns/crud-2', { as: 'admin' })).status).toBe(404);

    const audit = await api.call('GET', '/v1/admin/audit?limit=100', { as: 'admin' });
    const kinds = audit.body.items
      .filter((record: { target: string }) => record.target.startsWith('campaign:crud-'))
      .map((record: { kind: string; target: string }) => `${record.kind} ${record.target}`);
    // The save that changed nothing wrote nothing, so it left no record.
    expect(kinds.sort()).toEqual([
      'campaign.deleted campaign:crud-2',
      'campaign.saved campaign:crud-1',
      'campaign.saved campaign:crud-1',
      'campaign.saved campaign:crud-2',
    ]);
  });

  it('refuses bad terms with 400 and the path, and saves nothing', async () => {
    const refusals: [unknown, string, string][] = [
      [
        bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 1, days: 30 } }),
        'validation-error',
        'body.effect.factor',
      ],
      [
        bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 10.01, days: 30 } }),
        'validation-error',
        'body.effect.factor',
      ],
      [
        bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 1.005, days: 30 } }),
        'validation-error',
        'body.effect.factor',
      ],
      [
        bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 3, days: 0 } }),
        'validation-error',
        'body.effect.days',
      ],
      [
        bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 3, days: 366 } }),
        'validation-error',
        'body.effect.days',
      ],
      [bonusCampaign('lapsed', { limits: { perMember: 0 } }), 'validation-error', 'body.limits.perMember'],
      [bonusCampaign('lapsed', { startsAt: 'yesterday' }), 'validation-error', 'body.startsAt'],
      [bonusCampaign('lapsed', { endsAt: start.toISOString() }), 'validation-error', 'body.endsAt'],
      [bonusCampaign('lapsed', { effect: { type: 'bonus', points: 0 } }), 'validation-error', 'body.effect.points'],
      [bonusCampaign('lapsed', { effect: { type: 'voucher' } }), 'validation-error', 'body.effect.type'],
      [bonusCampaign('lapsed', { colour: 'red' }), 'validation-error', 'body'],
      [
        bonusCampaign('lapsed', { effect: { type: 'reward', rewardId: 'nothing' } }),
        'unknown-reward',
        'body.effect.rewardId',
      ],
      [
        bonusCampaign('lapsed', { effect: { type: 'reward', rewardId: 'mug' } }),
        'unknown-reward',
        'body.effect.rewardId',
      ],
    ];
    for (const [body, type, path] of refusals) {
      const refused = await putCampaign('refused', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.type).toBe(`${problems}${type}`);
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    expect((await api.call('GET', '/v1/admin/campaigns/refused', { as: 'admin' })).status).toBe(404);
  });

  it('takes the largest allowed terms: factor 10 for 365 days, a billion-point bonus, a million per member', async () => {
    const largest = await putCampaign(
      'largest',
      bonusCampaign('lapsed', {
        effect: { type: 'multiplier', factor: 10, days: 365 },
        limits: { perMember: 1_000_000 },
      }),
    );
    expect(largest.status, JSON.stringify(largest.body)).toBe(201);
    const bonus = await putCampaign(
      'largest-bonus',
      bonusCampaign('lapsed', { effect: { type: 'bonus', points: 1_000_000_000 } }),
    );
    expect(bonus.status).toBe(201);
    expect(
      (
        await putCampaign(
          'smallest',
          bonusCampaign('lapsed', { effect: { type: 'multiplier', factor: 1.01, days: 1 } }),
        )
      ).status,
    ).toBe(201);
  });

  it('is for admins only', async () => {
    expect((await api.call('GET', '/v1/admin/campaigns')).status).toBe(403);
    expect((await api.call('PUT', '/v1/admin/campaigns/x', { body: bonusCampaign('lapsed') })).status).toBe(403);
  });
});

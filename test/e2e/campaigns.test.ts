import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign } from '@shared/schemas/campaigns';
import { startTestApi, type TestApi } from '../support/api';

/**
 * Campaigns over HTTP, by the test clock: the admin routes and every refusal of the contract
 * (which writes nothing); each effect exactly once per member on entering a segment (re-entering,
 * a retry with the same Idempotency-Key, concurrent writes), the window, perMember > 1, a boost
 * that ends after `days`, and the events.
 */
const problems = 'https://rewards-api.dev/problems/';
const start = new Date('2026-06-01T09:00:00.000Z');
const DAY = 86_400_000;
const eur = (value: number) => ({ value, currency: 'EUR' });

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
  const lapsed = await api.call('PUT', '/v1/admin/segments/lapsed', {
    as: 'admin',
    body: { name: 'Lapsed', list: true },
  });
  expect(lapsed.status).toBe(201);
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

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: true, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}
async function listSegment(segmentId: string) {
  const put = await api.call('PUT', `/v1/admin/segments/${segmentId}`, {
    as: 'admin',
    body: { name: segmentId, list: true },
  });
  expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
}
const membership = (segmentId: string, memberId: string, action: 'add' | 'remove', idempotencyKey?: string) =>
  api.call('POST', `/v1/admin/segments/${segmentId}/members`, {
    as: 'admin',
    body: { memberId, action },
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
async function ledger(
  memberId: string,
): Promise<{ type: string; points: number; breakdown?: { rule: string; points: number }[] }[]> {
  return (await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`)).body.items;
}
async function events(memberId: string): Promise<{ type: string; sequence: number; data: Record<string, unknown> }[]> {
  return (await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`)).body.items;
}
const applied = async (memberId: string) =>
  (await events(memberId)).filter((event) => event.type === 'campaign.applied');
async function moveClock(to: Date) {
  const moved = await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to.toISOString() } });
  expect(moved.status).toBe(200);
}

describe('a campaign applies on entering its segment, exactly once per member', () => {
  it("credits a bonus entry with the breakdown campaign:<id> in the entry's transaction, and never twice", async () => {
    await listSegment('vip-bonus');
    expect((await putCampaign('vip-bonus', bonusCampaign('vip-bonus'))).status).toBe(201);
    const memberId = await enrol();
    const added = await membership('vip-bonus', memberId, 'add', `bonus-${memberId}`);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    // A retry with the same key answers the first answer and applies nothing again.
    const replay = await membership('vip-bonus', memberId, 'add', `bonus-${memberId}`);
    expect(replay.body).toEqual(added.body);
    // Leaving and entering again: perMember is 1.
    expect((await membership('vip-bonus', memberId, 'remove')).status).toBe(200);
    expect((await membership('vip-bonus', memberId, 'add')).status).toBe(200);
    const bonuses = (await ledger(memberId)).filter((entry) => entry.type === 'bonus');
    expect(bonuses).toHaveLength(1);
    expect(bonuses[0]).toMatchObject({ points: 250, breakdown: [{ rule: 'campaign:vip-bonus', points: 250 }] });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(250);
    const feed = await events(memberId);
    const types = feed.map((event) => event.type);
    expect(types.filter((type) => type === 'campaign.applied')).toHaveLength(1);
    // In order with the member's other events: the entry, then what it gave.
    const entered = types.indexOf('segment.entered');
    expect(types.indexOf('campaign.applied')).toBeGreaterThan(entered);
    expect(feed.find((event) => event.type === 'campaign.applied')?.data).toMatchObject({
      campaignId: 'vip-bonus',
      segmentId: 'vip-bonus',
      type: 'bonus',
      points: 250,
      applied: 1,
    });
  });

  it('applies once when concurrent writes add the member at the same time', async () => {
    await listSegment('vip-race');
    expect((await putCampaign('vip-race', bonusCampaign('vip-race'))).status).toBe(201);
    const memberId = await enrol();
    const answers = await Promise.all(Array.from({ length: 6 }, () => membership('vip-race', memberId, 'add')));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((await ledger(memberId)).filter((entry) => entry.type === 'bonus')).toHaveLength(1);
    expect(await applied(memberId)).toHaveLength(1);
  });

  it('applies up to perMember times over re-entries', async () => {
    await listSegment('vip-twice');
    expect((await putCampaign('vip-twice', bonusCampaign('vip-twice', { limits: { perMember: 2 } }))).status).toBe(201);
    const memberId = await enrol();
    for (let round = 0; round < 3; round++) {
      expect((await membership('vip-twice', memberId, 'add')).status).toBe(200);
      expect((await membership('vip-twice', memberId, 'remove')).status).toBe(200);
    }
    expect((await ledger(memberId)).filter((entry) => entry.type === 'bonus')).toHaveLength(2);
    expect((await applied(memberId)).map((event) => event.data.applied)).toEqual([1, 2]);
  });

  it('gives a code of the reward, with its code.issued event', async () => {
    await listSegment('vip-code');
    const put = await putCampaign(
      'vip-code',
      bonusCampaign('vip-code', { effect: { type: 'reward', rewardId: 'free-coffee' } }),
    );
    expect(put.status).toBe(201);
    const memberId = await enrol();
    expect((await membership('vip-code', memberId, 'add')).status).toBe(200);
    const codes = (await api.call('GET', `/v1/members/${memberId}/codes`)).body.items as {
      codeId: string;
      rewardId: string;
    }[];
    expect(codes.map((code) => code.rewardId)).toEqual(['free-coffee']);
    const gift = await applied(memberId);
    expect(gift.map((event) => event.data)).toEqual([
      {
        campaignId: 'vip-code',
        segmentId: 'vip-code',
        type: 'reward',
        rewardId: 'free-coffee',
        codeId: codes[0]?.codeId,
        applied: 1,
      },
    ]);
    expect((await events(memberId)).filter((event) => event.type === 'code.issued')).toHaveLength(1);
    // A gift costs no points.
    expect((await ledger(memberId)).filter((entry) => entry.type !== 'bonus')).toEqual([]);
  });
});

describe('the window and the boost, by the test clock', () => {
  it('applies only inside [startsAt, endsAt), judged at the entry', async () => {
    await moveClock(new Date(start.getTime() + 5 * DAY));
    const later = new Date(start.getTime() + 7 * DAY);
    await listSegment('vip-window');
    const window = { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + DAY).toISOString() };
    expect(
      (await putCampaign('vip-window', bonusCampaign('vip-window', { ...window, limits: { perMember: 5 } }))).status,
    ).toBe(201);
    const memberId = await enrol();
    expect((await membership('vip-window', memberId, 'add')).status).toBe(200);
    expect(await applied(memberId)).toHaveLength(0);
    expect((await membership('vip-window', memberId, 'remove')).status).toBe(200);
    await moveClock(later);
    expect((await membership('vip-window', memberId, 'add')).status).toBe(200);
    expect(await applied(memberId)).toHaveLength(1);
    expect((await membership('vip-window', memberId, 'remove')).status).toBe(200);
    await moveClock(new Date(later.getTime() + DAY));
    expect((await membership('vip-window', memberId, 'add')).status).toBe(200);
    expect(await applied(memberId)).toHaveLength(1);
  });

  it('boosts earns for `days` days: base × (factor − 1) as campaign:<id>, in the answer and the ledger', async () => {
    await listSegment('vip-triple');
    const triple = bonusCampaign('vip-triple', { effect: { type: 'multiplier', factor: 3, days: 30 } });
    expect((await putCampaign('vip-triple', triple)).status).toBe(201);
    const memberId = await enrol();
    expect((await membership('vip-triple', memberId, 'add')).status).toBe(200);
    const boosted = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-1', amount: eur(4_250) },
    });
    expect(boosted.status, JSON.stringify(boosted.body)).toBe(201);
    const base =
      (boosted.body.breakdown as { rule: string; points: number }[]).find((line) => line.rule === 'base')?.points ?? 0;
    expect(base).toBeGreaterThan(0);
    expect(boosted.body.breakdown).toContainEqual({ rule: 'campaign:vip-triple', points: 2 * base });
    const [event] = await applied(memberId);
    expect(event?.data).toMatchObject({ type: 'multiplier', factor: 3 });
    const until = Date.parse(String(event?.data.until));
    // The last instant of the boost still earns it; the boost's end does not.
    await moveClock(new Date(until - 60_000));
    const last = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-2', amount: eur(4_250) },
    });
    expect(last.body.breakdown).toContainEqual({ rule: 'campaign:vip-triple', points: 2 * base });
    await moveClock(new Date(until));
    const after = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-3', amount: eur(4_250) },
    });
    expect(after.body.breakdown.map((line: { rule: string }) => line.rule)).not.toContain('campaign:vip-triple');
    const earns = (await ledger(memberId)).filter((entry) => entry.type === 'earn');
    expect(earns.filter((entry) => entry.breakdown?.some((line) => line.rule === 'campaign:vip-triple'))).toHaveLength(
      2,
    );
  });
});

describe('refusals that need segments', () => {
  it('refuses a campaign on an unknown segment (400 at body.segmentId) and a delete of a segment a campaign names (409)', async () => {
    const unknown = await putCampaign('nowhere', bonusCampaign('no-such-segment'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toBe(`${problems}unknown-segment`);
    expect(unknown.body.errors).toEqual([{ path: 'body.segmentId', message: expect.any(String) as string }]);
    await listSegment('vip-used');
    expect((await putCampaign('uses-it', bonusCampaign('vip-used'))).status).toBe(201);
    const inUse = await api.call('DELETE', '/v1/admin/segments/vip-used', { as: 'admin' });
    expect(inUse.status).toBe(409);
    expect(inUse.body.type).toBe(`${problems}segment-in-use`);
    expect((await api.call('DELETE', '/v1/admin/campaigns/uses-it', { as: 'admin' })).status).toBe(204);
    expect((await api.call('DELETE', '/v1/admin/segments/vip-used', { as: 'admin' })).status).toBe(204);
  });
});

describe('a member the time job puts in a segment', () => {
  it('gets its campaigns in the job’s write, once, however often the job runs', async () => {
    // Far past every other test's clock: this member's purchase is the only recent one.
    const now = new Date(start.getTime() + 200 * DAY);
    await moveClock(now);
    const quiet = await api.call('PUT', '/v1/admin/segments/quiet', {
      as: 'admin',
      body: {
        name: 'Quiet for a month',
        rules: { all: [{ field: 'purchases.lastAt', op: 'olderThan', value: 'P30D' }] },
      },
    });
    expect(quiet.status, JSON.stringify(quiet.body)).toBe(202);
    await api.segments.idle();
    expect(
      (await putCampaign('quiet-bonus', bonusCampaign('quiet', { effect: { type: 'bonus', points: 100 } }))).status,
    ).toBe(201);
    expect(
      (await putCampaign('quiet-code', bonusCampaign('quiet', { effect: { type: 'reward', rewardId: 'free-coffee' } })))
        .status,
    ).toBe(201);
    const memberId = await enrol();
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'q-1', amount: eur(1_000) },
    });
    expect(earned.status).toBe(201);
    const balance = (await api.call('GET', `/v1/members/${memberId}`)).body.points.balance as number;
    expect(await applied(memberId)).toEqual([]);

    await moveClock(new Date(now.getTime() + 31 * DAY));
    for (let run = 0; run < 2; run++)
      expect((await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' })).status).toBeLessThan(300);

    const segments = (await api.call('GET', `/v1/members/${memberId}/segments`)).body as { segmentId: string }[];
    expect(segments.map((s) => s.segmentId)).toContain('quiet');
    const feed = await events(memberId);
    const gifts = feed.filter((event) => event.type === 'campaign.applied');
    expect(gifts.map((event) => [event.data.campaignId, event.data.applied]).sort()).toEqual([
      ['quiet-bonus', 1],
      ['quiet-code', 1],
    ]);
    const entered = feed.findIndex((event) => event.type === 'segment.entered' && event.data.segmentId === 'quiet');
    for (const gift of gifts) expect(feed.indexOf(gift)).toBeGreaterThan(entered);
    const bonuses = (await ledger(memberId)).filter((entry) => entry.type === 'bonus');
    expect(bonuses).toEqual([
      expect.objectContaining({ points: 100, breakdown: [{ rule: 'campaign:quiet-bonus', points: 100 }] }),
    ]);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(balance + 100);
    const codes = (await api.call('GET', `/v1/members/${memberId}/codes`)).body.items as { rewardId: string }[];
    expect(codes.map((code) => code.rewardId)).toEqual(['free-coffee']);
  });
});

describe('two campaigns giving one reward on one segment', () => {
  it('both give their code: one in the entry, the other (its stock and counts are one item each) by the time job', async () => {
    await listSegment('vip-pair');
    for (const campaignId of ['pair-1', 'pair-2'])
      expect(
        (
          await putCampaign(
            campaignId,
            bonusCampaign('vip-pair', { effect: { type: 'reward', rewardId: 'free-coffee' } }),
          )
        ).status,
      ).toBe(201);
    const memberId = await enrol();
    const added = await membership('vip-pair', memberId, 'add');
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect((await applied(memberId)).map((event) => event.data.campaignId)).toEqual(['pair-1']);
    expect((await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' })).status).toBeLessThan(300);
    expect((await applied(memberId)).map((event) => event.data.campaignId)).toEqual(['pair-1', 'pair-2']);
    const codes = (await api.call('GET', `/v1/members/${memberId}/codes`)).body.items as { rewardId: string }[];
    expect(codes.map((code) => code.rewardId)).toEqual(['free-coffee', 'free-coffee']);
  });
});

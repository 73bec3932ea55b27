import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { documented } from '../support/documented';
import { eur } from '../support/money';

/**
 * Rules (`when.segments`) and rewards (`segments`) limited to segments, over HTTP: a member in
 * the segment gets the rule's points and may redeem the reward, one outside does not (409
 * not-eligible, `eligible: false` in the member's app); unknown segments are refused at their
 * paths; a segment named by a rule or a reward cannot be deleted.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 1_000, referrer: 0, referee: 0, birthday: 0 } });
}, 60_000);
afterAll(async () => api?.stop());

const typeOf = (body: { type: string }) => body.type.split('/').at(-1);

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId as string;
}

async function putRules(rules: unknown[]) {
  const current = await api.call('GET', '/v1/admin/program', { as: 'admin' });
  return api.call('PUT', '/v1/admin/program', { as: 'admin', body: { ...current.body, rules } });
}

const clubBonus = {
  id: 'club-bonus',
  name: 'Club bonus',
  when: { segments: ['club'] },
  effect: { type: 'bonus', points: 500 },
};

describe('rules and rewards limited to segments', () => {
  let insider: string;
  let outsider: string;

  beforeAll(async () => {
    expect(
      (await api.call('PUT', '/v1/admin/segments/club', { as: 'admin', body: { name: 'Club', list: true } })).status,
    ).toBe(201);
    insider = await enrol();
    outsider = await enrol();
    const added = await api.call('POST', '/v1/admin/segments/club/members', {
      as: 'admin',
      body: { memberId: insider, action: 'add' },
    });
    expect(added.status).toBe(200);
  });

  it('refuses unknown segments at their paths and saves nothing', async () => {
    const before = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version;
    const rule = await putRules([{ ...clubBonus, when: { segments: ['club', 'nowhere'] } }]);
    expect(rule.status).toBe(400);
    expect(typeOf(rule.body)).toBe('unknown-segment');
    expect(rule.body.errors).toEqual([{ path: 'body.rules.0.when.segments.1', message: 'no segment "nowhere"' }]);
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version).toBe(before);

    const reward = await api.call('PUT', '/v1/admin/rewards/club-cup', {
      as: 'admin',
      body: { name: 'Club cup', pointsCost: 100, segments: ['club', 'nowhere'] },
    });
    expect(reward.status).toBe(400);
    expect(typeOf(reward.body)).toBe('unknown-segment');
    expect(reward.body.errors).toEqual([{ path: 'body.segments.1', message: 'no segment "nowhere"' }]);
    expect(
      (await api.call('GET', '/v1/rewards?limit=100')).body.items.map((r: { rewardId: string }) => r.rewardId),
    ).not.toContain('club-cup');
  });

  it("a rule limited to a segment gives its points only to the segment's members", async () => {
    expect((await putRules([clubBonus])).status).toBe(200);
    const earn = async (memberId: string, orderId: string) => {
      const answer = await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId, amount: eur(2_000) } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return (answer.body.breakdown as { rule: string; points: number }[]).filter((line) =>
        line.rule.startsWith('rule:'),
      );
    };
    expect(await earn(insider, 'club-1')).toEqual([{ rule: 'rule:club-bonus', points: 500 }]);
    expect(await earn(outsider, 'club-2')).toEqual([]);
  });

  it('a reward limited to a segment: 409 not-eligible outside it, redeemed inside, eligible said in the app', async () => {
    const put = await api.call('PUT', '/v1/admin/rewards/club-cup', {
      as: 'admin',
      body: { name: 'Club cup', pointsCost: 100, segments: ['club'] },
    });
    expect(put.status).toBe(201);
    expect(put.body.segments).toEqual(['club']);

    const balance = async (memberId: string) => (await api.call('GET', `/v1/members/${memberId}`)).body.points.balance;
    const outsiderBalance = await balance(outsider);
    const refused = await api.call('POST', `/v1/members/${outsider}/redeem`, { body: { rewardId: 'club-cup' } });
    expect(refused.status).toBe(409);
    expect(typeOf(refused.body)).toBe('not-eligible');
    expect(await balance(outsider)).toBe(outsiderBalance);

    const redeemed = await api.call('POST', `/v1/members/${insider}/redeem`, { body: { rewardId: 'club-cup' } });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);

    const eligibleFor = async (memberId: string) => {
      const session = await api.call('POST', `/v1/members/${memberId}/sessions`);
      expect(session.status).toBe(201);
      const page = documented(
        'listMyRewards',
        await api.call('GET', '/v1/me/rewards?limit=100', { key: session.body.token as string }),
        200,
      ) as { items: { rewardId: string; eligible: boolean }[] };
      return page.items.find((reward) => reward.rewardId === 'club-cup')?.eligible;
    };
    expect(await eligibleFor(insider)).toBe(true);
    expect(await eligibleFor(outsider)).toBe(false);
  });

  it('refuses to delete a segment while a rule or a reward names it', async () => {
    const deleteClub = () => api.call('DELETE', '/v1/admin/segments/club', { as: 'admin' });
    const both = await deleteClub();
    expect(both.status).toBe(409);
    expect(typeOf(both.body)).toBe('segment-in-use');
    expect(both.body.detail).toContain('rule:club-bonus');
    expect(both.body.detail).toContain('reward:club-cup');

    expect((await putRules([])).status).toBe(200);
    const reward = await deleteClub();
    expect(reward.status).toBe(409);
    expect(reward.body.detail).toContain('reward:club-cup');
    expect(reward.body.detail).not.toContain('rule:club-bonus');

    const unlimited = await api.call('PUT', '/v1/admin/rewards/club-cup', {
      as: 'admin',
      body: { name: 'Club cup', pointsCost: 100 },
    });
    expect(unlimited.status).toBe(200);
    expect((await deleteClub()).status).toBe(204);
  });
});

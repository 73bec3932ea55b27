import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * Simulating a program change (issue #28) end to end: a history seeded by the test clock, a draft
 * with a ×2 rule on coffee lines and Silver from 300 EUR instead of 500, replayed with exact figures;
 * twice the same figures; no member touched; the refusals.
 */
let api: TestApi;
let rules: Record<string, unknown>;
const eur = (value: number) => ({ value, currency: 'EUR' });

beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  api = await startTestApi();
  const {
    version: _v,
    updatedAt: _u,
    ...current
  } = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body as Record<string, unknown>;
  rules = current;
}, 60_000);
afterAll(async () => {
  await api?.stop();
  delete process.env.TEST_CLOCK;
});

const moveClock = async (to: string) => {
  const moved = await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to } });
  expect(moved.status).toBe(200);
};
const enrol = async () => {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId as string;
};
const earn = async (memberId: string, body: Record<string, unknown>) => {
  const earned = await api.call('POST', `/v1/members/${memberId}/earn`, { body });
  expect(earned.status).toBe(201);
};
const coffeeOrder = (orderId: string, coffee: number, other: number) => ({
  orderId,
  amount: eur(coffee + other),
  lines: [
    { lineId: '1', sku: 'latte', categories: ['coffee'], quantity: 1, amount: eur(coffee) },
    { lineId: '2', sku: 'cake', categories: ['food'], quantity: 1, amount: eur(other) },
  ],
});

/** The draft: coffee lines earn double, Silver from 300 EUR. */
function draft() {
  const tiers = (rules.tiers as { id: string; minQualifyingSpend: unknown }[]).map((tier) =>
    tier.id === 'silver' ? { ...tier, minQualifyingSpend: eur(30_000) } : tier,
  );
  return {
    ...rules,
    tiers,
    rules: [
      {
        id: 'coffee',
        name: 'Double points on coffee',
        lines: { categories: ['coffee'] },
        effect: { type: 'multiplier', factor: 2 },
      },
    ],
  };
}

const period = { from: '2027-02-01T00:00:00.000Z', to: '2027-03-01T00:00:00.000Z' };

async function simulate(body: Record<string, unknown>) {
  const started = await api.call('POST', '/v1/admin/program/simulations', { as: 'admin', body });
  expect(started.status).toBe(202);
  expect(started.body).toEqual({ simulationId: expect.stringMatching(/^sim_/), status: 'running' });
  await api.simulations.idle();
  const result = await api.call('GET', `/v1/admin/program/simulations/${started.body.simulationId}`, { as: 'admin' });
  expect(result.status).toBe(200);
  return result.body;
}

async function memberSnapshot(memberId: string) {
  const [member, ledger] = await Promise.all([
    api.call('GET', `/v1/members/${memberId}`),
    api.call('GET', `/v1/members/${memberId}/transactions?limit=100`),
  ]);
  return { member: member.body, ledger: ledger.body };
}

describe('simulating a program change on the recorded history', () => {
  it('replays the period under the program in force and the draft, with exact figures, twice the same, touching no member', async () => {
    await moveClock('2027-01-20T10:00:00.000Z');
    const ada = await enrol();
    const bob = await enrol();
    // Before the period: counted in no figure.
    await earn(bob, { orderId: 'b0', amount: eur(2_000) });

    // 350 EUR then 100 EUR: under the draft the second earns at Silver (350 ≥ 300).
    await moveClock('2027-02-02T10:00:00.000Z');
    await earn(ada, coffeeOrder('a1', 2_000, 33_000));
    await moveClock('2027-02-05T10:00:00.000Z');
    await earn(bob, { orderId: 'b1', amount: eur(5_000) });
    await moveClock('2027-02-10T10:00:00.000Z');
    await earn(ada, coffeeOrder('a2', 1_000, 9_000));
    const cashback = await api.call('POST', `/v1/members/${ada}/cashback`, {
      body: { orderId: 'a2', amount: eur(10_000) },
    });
    expect(cashback.status).toBe(201);
    // After the period: left out.
    await moveClock('2027-03-05T10:00:00.000Z');
    await earn(bob, { orderId: 'b2', amount: eur(5_000) });

    const before = [await memberSnapshot(ada), await memberSnapshot(bob)];
    const first = await simulate({ program: draft(), ...period });
    expect(first).toEqual({
      simulationId: expect.stringMatching(/^sim_/),
      status: 'done',
      ...period,
      purchases: 3,
      members: 2,
      progress: { processed: first.progress.total, total: first.progress.total },
      // a1: 350 + 50 (≥ 100 EUR); a2: 100 + 50; b1: 50. Cashback: 1 % of a2.
      current: { points: 600, cashback: eur(100), byRule: { base: 500, 'spend-threshold': 100 } },
      // a1: + 20 (2 × 20 EUR of coffee); a2 at Silver: + 25 (×1.25) + 10 (coffee); cashback 2 % of a2.
      draft: {
        points: 655,
        cashback: eur(200),
        byRule: { base: 500, 'rule:coffee': 30, 'spend-threshold': 100, 'tier:silver': 25 },
      },
      // At `to`: Ada has 450 EUR of qualifying spend, Bob 70 EUR.
      tierMoves: { current: { member: 2 }, draft: { member: 1, silver: 1 } },
    });
    // 32 days of activity (1 February to 5 March) and the member shards.
    expect(first.progress.total).toBeGreaterThan(32);

    const second = await simulate({ program: draft(), ...period });
    expect({ ...second, simulationId: first.simulationId }).toEqual(first);
    expect(second.simulationId).not.toBe(first.simulationId);

    // A draft equal to the program in force: the same figures on both sides.
    const same = await simulate({ program: rules, ...period });
    expect(same.draft).toEqual(same.current);
    expect(same.tierMoves.draft).toEqual(same.tierMoves.current);

    expect([await memberSnapshot(ada), await memberSnapshot(bob)]).toEqual(before);
    const program = await api.call('GET', '/v1/admin/program', { as: 'admin' });
    expect(program.body.version).toBe(1);
  }, 120_000);

  it('refuses a draft a PUT would refuse, with its paths, and changes nothing', async () => {
    const { tiers: _tiers, ...withoutTiers } = rules;
    const refused = await api.call('POST', '/v1/admin/program/simulations', {
      as: 'admin',
      body: { program: withoutTiers, ...period },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('https://rewards-api.dev/problems/validation-error');
    expect(refused.body.errors).toContainEqual(expect.objectContaining({ path: 'body.program.tiers' }));

    const put = await api.call('PUT', '/v1/admin/program', { as: 'admin', body: withoutTiers });
    expect(put.status).toBe(400);
    expect(put.body.errors.map((error: { path: string }) => error.path.replace('body.', 'body.program.'))).toEqual(
      refused.body.errors.map((error: { path: string }) => error.path),
    );
  });

  it('refuses a period of more than 400 days, an empty or reversed one, another currency', async () => {
    const post = (body: Record<string, unknown>) =>
      api.call('POST', '/v1/admin/program/simulations', { as: 'admin', body });
    const long = await post({ program: rules, from: '2027-01-01T00:00:00.000Z', to: '2028-02-05T00:00:00.001Z' });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ path: 'body.to', message: 'must be at most 400 days after from' }]);
    const longest = await post({ program: rules, from: '2027-01-01T00:00:00.000Z', to: '2028-02-05T00:00:00.000Z' });
    expect(longest.status).toBe(202);
    for (const to of [period.from, '2027-01-01T00:00:00.000Z']) {
      const reversed = await post({ program: rules, from: period.from, to });
      expect(reversed.status).toBe(400);
      expect(reversed.body.errors).toEqual([{ path: 'body.to', message: 'must be after from' }]);
    }
    const dollars = await post({ program: JSON.parse(JSON.stringify(rules).replaceAll('"EUR"', '"USD"')), ...period });
    expect(dollars.status).toBe(400);
    expect(dollars.body.errors).toContainEqual(expect.objectContaining({ path: 'body.program.currency' }));
    await api.simulations.idle();
  });

  it('answers 404 for an unknown simulation and 403 to a partner key', async () => {
    const unknown = await api.call('GET', '/v1/admin/program/simulations/sim_unknown', { as: 'admin' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('https://rewards-api.dev/problems/simulation-not-found');
    const partner = await api.call('POST', '/v1/admin/program/simulations', { body: { program: rules, ...period } });
    expect(partner.status).toBe(403);
  });
});

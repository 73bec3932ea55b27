import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import type { ProgramRules } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import { eur } from '../support/money';
import { startTestApi, type TestApi } from '../support/api';

/*
 * Basket-aware earning rules over HTTP (API.md, v1.2 "Basket-aware earning rules"): every
 * effect, condition, limit, budget and refund case with its exact points. The program earns
 * 1 point per euro, the entry tier ×1, no bonuses, so each rule's points show on their own.
 */

const DAY = 86_400_000;
const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

const plain: Partial<ProgramRules> = {
  bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
  cashback: { holdDays: 0 },
  expiry: null,
  promotions: [],
};

async function putProgram(overrides: Partial<ProgramRules>) {
  const response = await api.call('PUT', '/v1/admin/program', {
    as: 'admin',
    body: { ...structuredClone(defaultProgram), ...plain, ...overrides },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const useRules = (rules: Rule[], overrides: Partial<ProgramRules> = {}) => putProgram({ rules, ...overrides });

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

interface LineInput {
  lineId: string;
  sku: string;
  categories?: string[];
  quantity: number;
  amount: number;
}
const line = (lineId: string, sku: string, quantity: number, amount: number, categories?: string[]): LineInput => ({
  lineId,
  sku,
  quantity,
  amount,
  ...(categories ? { categories } : {}),
});

function purchase(orderId: string, lines: LineInput[], extra: Record<string, unknown> = {}) {
  return {
    orderId,
    amount: eur(lines.reduce((sum, l) => sum + l.amount, 0)),
    lines: lines.map((l) => ({ ...l, amount: eur(l.amount) })),
    ...extra,
  };
}

async function earn(memberId: string, body: Record<string, unknown>) {
  const response = await api.call('POST', `/v1/members/${memberId}/earn`, { body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const breakdown = response.body.breakdown as { rule: string; points: number }[];
  expect(breakdown.reduce((sum, l) => sum + l.points, 0)).toBe(response.body.points);
  return response.body;
}

const ruleLines = (transaction: { breakdown: { rule: string; points: number; lineIds?: string[] }[] }) =>
  transaction.breakdown.filter((l) => l.rule.startsWith('rule:'));

async function balance(memberId: string): Promise<number> {
  return (await api.call('GET', `/v1/members/${memberId}`)).body.points.balance;
}

async function refund(memberId: string, body: Record<string, unknown>, status = 201) {
  const response = await api.call('POST', `/v1/members/${memberId}/refunds`, { body });
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
}

/** The last `weekday` (1 = Monday) at least two days ago, at hh:mm UTC (Asia/Tokyo has no daylight saving: +9). */
function lastWeekdayAt(weekday: number, hour: number, minute: number): string {
  const at = new Date(Date.now() - 2 * DAY);
  at.setUTCHours(hour, minute, 0, 0);
  while (((at.getUTCDay() + 6) % 7) + 1 !== weekday) at.setTime(at.getTime() - DAY);
  return at.toISOString();
}

const tee = line('1', 'tee', 2, 3000, ['clothing']);
const mug = line('2', 'mug', 1, 1250, ['home']);
const giftCard = line('3', 'gift-card-25', 1, 2500, ['gift-cards']);

describe('callers that send no basket', () => {
  it('earn exactly as before under a program without rules', async () => {
    await putProgram({});
    const memberId = await enrol();
    const earned = await earn(memberId, { orderId: 'legacy', amount: eur(4250) });
    expect(earned.points).toBe(42);
    expect(earned.breakdown).toEqual([{ rule: 'base', points: 42 }]);
    expect(earned).not.toHaveProperty('channel');
  });
});

describe('effects', () => {
  it('multiplier: adds the matching lines’ base × (factor − 1), rounded down once, with the lines it counted', async () => {
    await useRules([
      {
        id: 'clothing-x2',
        name: 'Double points on clothing',
        lines: { categories: ['clothing'] },
        effect: { type: 'multiplier', factor: 2 },
      },
      { id: 'home-x1.5', name: 'Home ×1.5', lines: { skus: ['mug'] }, effect: { type: 'multiplier', factor: 1.5 } },
    ]);
    const memberId = await enrol();
    const earned = await earn(memberId, purchase('m1', [tee, mug], { channel: 'pos', storeId: 'paris-11' }));
    // base 42 (42.50 €); clothing 30.00 € × 1 = 30; mug 12.50 € × 0.5 = 6.25 → 6.
    expect(earned.points).toBe(78);
    expect(ruleLines(earned)).toEqual([
      { rule: 'rule:clothing-x2', points: 30, lineIds: ['1'] },
      { rule: 'rule:home-x1.5', points: 6, lineIds: ['2'] },
    ]);
    expect(earned).toMatchObject({ channel: 'pos', storeId: 'paris-11' });
    const ledger = (await api.call('GET', `/v1/members/${memberId}/transactions`)).body.items;
    expect(ledger[0]).toMatchObject({ channel: 'pos', storeId: 'paris-11', breakdown: earned.breakdown });
  });

  it('pointsPerUnit: per unit of the matching lines', async () => {
    await useRules([
      { id: 'coffee', name: 'Coffee', lines: { skus: ['coffee'] }, effect: { type: 'pointsPerUnit', points: 5 } },
    ]);
    const memberId = await enrol();
    const earned = await earn(
      memberId,
      purchase('u1', [line('a', 'coffee', 3, 900), line('b', 'coffee', 1, 300), mug]),
    );
    expect(ruleLines(earned)).toEqual([{ rule: 'rule:coffee', points: 20, lineIds: ['a', 'b'] }]);
    expect(earned.points).toBe(24 + 20);
  });

  it('bonus: once per order, on an order without lines too', async () => {
    await useRules([{ id: 'welcome', name: 'Bonus', effect: { type: 'bonus', points: 75 } }]);
    const memberId = await enrol();
    const earned = await earn(memberId, { orderId: 'b1', amount: eur(1000) });
    expect(earned.breakdown).toEqual([
      { rule: 'base', points: 10 },
      { rule: 'rule:welcome', points: 75 },
    ]);
  });

  it('refuses a reward effect whose reward is unknown or not a code reward, at its path, and saves nothing', async () => {
    const before = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version;
    const plainReward = await api.call('PUT', '/v1/admin/rewards/plain-mug', {
      as: 'admin',
      body: { name: 'Plain mug', pointsCost: 100 },
    });
    expect(plainReward.status).toBe(201);
    const response = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: {
        ...structuredClone(defaultProgram),
        rules: [
          { id: 'gift', name: 'Gift', effect: { type: 'reward', rewardId: 'no-such-reward' } },
          { id: 'gift2', name: 'Gift 2', effect: { type: 'reward', rewardId: 'plain-mug' } },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe(`${problems}unknown-reward`);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ path: 'body.rules.0.effect.rewardId' }),
      expect.objectContaining({ path: 'body.rules.1.effect.rewardId' }),
    ]);
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version).toBe(before);
  });
});

describe('the reward effect: a gift', () => {
  async function codeReward(rewardId: string, extra: Record<string, unknown> = {}) {
    const put = await api.call('PUT', `/v1/admin/rewards/${rewardId}`, {
      as: 'admin',
      body: {
        name: `Gift ${rewardId}`,
        pointsCost: 500,
        fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
        ...extra,
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
  }
  const codesOf = async (memberId: string) =>
    (await api.call('GET', `/v1/members/${memberId}/codes`)).body.items as {
      codeId: string;
      rewardId: string;
      status: string;
    }[];
  const giftRule = (rewardId: string): Rule => ({
    id: 'tee-gift',
    name: 'A mug with two tees',
    lines: { skus: ['tee'] },
    when: { minQuantity: 2 },
    effect: { type: 'reward', rewardId },
  });

  it('issues one code of the reward free with the earn, exactly once also on a retry, noted in the breakdown', async () => {
    await codeReward('gift-mug');
    await useRules([giftRule('gift-mug')]);
    const memberId = await enrol();
    const body = purchase('g1', [tee, mug]);
    const first = await api.call('POST', `/v1/members/${memberId}/earn`, { body, idempotencyKey: 'gift-g1' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.points).toBe(42);
    const giftLine = ruleLines(first.body)[0] as { gift?: { rewardId: string; codeId: string } };
    expect(ruleLines(first.body)).toEqual([
      { rule: 'rule:tee-gift', points: 0, lineIds: ['1'], gift: { rewardId: 'gift-mug', codeId: expect.any(String) } },
    ]);
    const again = await api.call('POST', `/v1/members/${memberId}/earn`, { body, idempotencyKey: 'gift-g1' });
    expect(again.status).toBe(201);
    expect(again.body.transactionId).toBe(first.body.transactionId);
    const codes = await codesOf(memberId);
    expect(codes).toEqual([
      expect.objectContaining({ codeId: giftLine.gift?.codeId, rewardId: 'gift-mug', status: 'issued' }),
    ]);
    // Free: no points left the member for it; the reward's counts see one issued code.
    expect(await balance(memberId)).toBe(42);
    const stats = await api.call('GET', '/v1/admin/rewards/gift-mug/codes/stats', { as: 'admin' });
    expect(stats.body).toMatchObject({ issued: 1 });
    const events = (await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`)).body.items as {
      type: string;
    }[];
    expect(events.filter((event) => event.type === 'code.issued')).toHaveLength(1);
    // A basket that does not meet the rule gets no gift.
    const other = await earn(memberId, purchase('g2', [line('1', 'tee', 1, 1500), mug]));
    expect(ruleLines(other)).toEqual([]);
    expect(await codesOf(memberId)).toHaveLength(1);
  });

  it('is skipped when the reward is out of stock, and the breakdown says so', async () => {
    await codeReward('gift-last', { stock: 1 });
    await useRules([giftRule('gift-last')]);
    const first = await enrol();
    const second = await enrol();
    const got = await earn(first, purchase('s1', [tee]));
    expect(ruleLines(got)[0]).toMatchObject({ gift: { rewardId: 'gift-last', codeId: expect.any(String) } });
    const skipped = await earn(second, purchase('s1', [tee]));
    expect(ruleLines(skipped)).toEqual([
      { rule: 'rule:tee-gift', points: 0, lineIds: ['1'], gift: { rewardId: 'gift-last', skipped: 'out-of-stock' } },
    ]);
    expect(skipped.points).toBe(30);
    expect(await codesOf(second)).toEqual([]);
  });

  it('a refund that breaks the rule cancels the gifted code while unused; a used gift stays used', async () => {
    await codeReward('gift-refund');
    await useRules([giftRule('gift-refund')]);
    const memberId = await enrol();
    await earn(memberId, purchase('r1', [tee, mug]));
    const [code] = await codesOf(memberId);
    const refunded = await refund(memberId, { orderId: 'r1', lines: [{ lineId: '1', quantity: 1 }] });
    expect(refunded.points).toBe(-15);
    expect(await codesOf(memberId)).toEqual([expect.objectContaining({ codeId: code?.codeId, status: 'cancelled' })]);
    const events = (await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`)).body.items as {
      type: string;
    }[];
    expect(events.filter((event) => event.type === 'code.cancelled')).toHaveLength(1);
    expect(await balance(memberId)).toBe(42 - 15);

    // Used at the till first: the refund takes the points back and leaves the code used.
    const other = await enrol();
    const earned = await earn(other, purchase('r2', [tee, mug]));
    const gifted = (await api.call('GET', `/v1/members/${other}/codes`)).body.items[0] as { code: string };
    expect(earned.points).toBe(42);
    const used = await api.call('POST', '/v1/codes/use', { body: { code: gifted.code, orderId: 'till-1' } });
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    await refund(other, { orderId: 'r2', lines: [{ lineId: '1', quantity: 2 }] });
    expect((await codesOf(other))[0]?.status).toBe('used');
  });
});

describe('what earns', () => {
  it('excluded lines earn nothing: no base, no rule, no threshold', async () => {
    await useRules([{ id: 'all-x2', name: 'Everything ×2', effect: { type: 'multiplier', factor: 2 } }], {
      earn: { pointsPerUnit: 1, exclude: { categories: ['gift-cards'] } },
      bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0, spendThreshold: { amount: eur(5000), points: 50 } },
    });
    const memberId = await enrol();
    // 67.50 € in all, 42.50 € eligible: below the 50 € threshold.
    const earned = await earn(memberId, purchase('x1', [tee, mug, giftCard]));
    expect(earned.breakdown).toEqual([
      { rule: 'base', points: 42 },
      { rule: 'rule:all-x2', points: 42, lineIds: ['1', '2'] },
    ]);
    // Cashback (1 % at the entry tier) on the eligible amount too.
    const preview = await api.call('POST', `/v1/members/${memberId}/earn/preview`, {
      body: purchase('x2', [tee, mug, giftCard]),
    });
    expect(preview.body.cashback).toEqual(eur(42));
  });

  it('the part paid with an excluded tender is taken off the eligible lines in proportion', async () => {
    await useRules(
      [
        {
          id: 'clothing-x2',
          name: 'Clothing ×2',
          lines: { categories: ['clothing'] },
          effect: { type: 'multiplier', factor: 2 },
        },
      ],
      { earn: { pointsPerUnit: 1, exclude: { tenders: ['giftCard', 'storeCredit'] } } },
    );
    const memberId = await enrol();
    const tenders = [
      { type: 'giftCard', amount: eur(1000) },
      { type: 'card', amount: eur(3250) },
    ];
    const earned = await earn(memberId, purchase('t1', [tee, mug], { tenders }));
    // Eligible 42.50 − 10.00 = 32.50 € → base 32; clothing: 30.00 × 32.50 / 42.50 = 22.94 → 22.
    expect(earned.breakdown).toEqual([
      { rule: 'base', points: 32 },
      { rule: 'rule:clothing-x2', points: 22, lineIds: ['1'] },
    ]);
  });
});

describe('conditions', () => {
  it('channels and stores hold only for an order sent with one of them', async () => {
    await useRules([
      { id: 'app', name: 'App bonus', when: { channels: ['app'] }, effect: { type: 'bonus', points: 100 } },
      { id: 'store', name: 'Store bonus', when: { stores: ['lyon-2'] }, effect: { type: 'bonus', points: 30 } },
    ]);
    const memberId = await enrol();
    expect(ruleLines(await earn(memberId, purchase('c1', [mug], { channel: 'app' })))).toEqual([
      { rule: 'rule:app', points: 100, lineIds: ['2'] },
    ]);
    expect(ruleLines(await earn(memberId, purchase('c2', [mug], { channel: 'pos', storeId: 'lyon-2' })))).toEqual([
      { rule: 'rule:store', points: 30, lineIds: ['2'] },
    ]);
    expect(ruleLines(await earn(memberId, purchase('c3', [mug])))).toEqual([]);
  });

  it('daysOfWeek and localTime in the program time zone (from included, to excluded)', async () => {
    await useRules(
      [
        {
          id: 'happy-hour',
          name: 'Weekday happy hour',
          when: { daysOfWeek: [1, 2, 3, 4, 5], localTime: { from: '17:00', to: '19:00' } },
          effect: { type: 'multiplier', factor: 3 },
        },
      ],
      { timezone: 'Asia/Tokyo' },
    );
    const memberId = await enrol();
    // Wednesday 17:00 in Tokyo is 08:00 UTC. 12.50 € × (3 − 1) = 25, on the unrounded base of the line.
    const inside = await earn(memberId, purchase('h1', [mug], { occurredAt: lastWeekdayAt(3, 8, 0) }));
    expect(ruleLines(inside)).toEqual([{ rule: 'rule:happy-hour', points: 25, lineIds: ['2'] }]);
    const atTheEnd = await earn(memberId, purchase('h2', [mug], { occurredAt: lastWeekdayAt(3, 10, 0) }));
    expect(ruleLines(atTheEnd)).toEqual([]);
    // Saturday 17:30 in Tokyo.
    const weekend = await earn(memberId, purchase('h3', [mug], { occurredAt: lastWeekdayAt(6, 8, 30) }));
    expect(ruleLines(weekend)).toEqual([]);
  });

  it('firstPurchase and tiers', async () => {
    await useRules([
      { id: 'first', name: 'First purchase', when: { firstPurchase: true }, effect: { type: 'bonus', points: 50 } },
      { id: 'silver-only', name: 'Silver', when: { tiers: ['silver'] }, effect: { type: 'bonus', points: 20 } },
    ]);
    const memberId = await enrol();
    expect(ruleLines(await earn(memberId, { orderId: 'f1', amount: eur(60_000) }))).toEqual([
      { rule: 'rule:first', points: 50 },
    ]);
    // 600 € reached silver: the next purchase earns at silver.
    expect(ruleLines(await earn(memberId, { orderId: 'f2', amount: eur(100) }))).toEqual([
      { rule: 'rule:silver-only', points: 20 },
    ]);
  });

  it('minAmount and minQuantity of the rule’s lines; the preview tells what the basket lacks', async () => {
    await useRules([
      {
        id: 'buy3',
        name: 'Buy 3 tees',
        lines: { skus: ['tee'] },
        when: { minQuantity: 3 },
        effect: { type: 'bonus', points: 200 },
      },
      {
        id: 'spend50',
        name: '50 € of clothing',
        lines: { categories: ['clothing'] },
        when: { minAmount: eur(5000) },
        effect: { type: 'bonus', points: 40 },
      },
    ]);
    const memberId = await enrol();
    const preview = await api.call('POST', `/v1/members/${memberId}/earn/preview`, {
      body: purchase('p1', [tee, mug]),
    });
    expect(preview.status).toBe(200);
    expect(preview.body.points).toBe(42);
    expect(preview.body.nearMisses).toEqual([
      { rule: 'rule:buy3', missing: { quantity: 1 } },
      { rule: 'rule:spend50', missing: { amount: eur(2000) } },
    ]);
    const three = line('1', 'tee', 3, 5000, ['clothing']);
    const earned = await earn(memberId, purchase('p2', [three]));
    expect(ruleLines(earned)).toEqual([
      { rule: 'rule:buy3', points: 200, lineIds: ['1'] },
      { rule: 'rule:spend50', points: 40, lineIds: ['1'] },
    ]);
    // The preview wrote nothing.
    expect(await balance(memberId)).toBe(290);
  });

  it('refuses a segment that does not exist, at its path', async () => {
    const response = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: {
        ...structuredClone(defaultProgram),
        rules: [{ id: 's', name: 'S', when: { segments: ['vip'] }, effect: { type: 'bonus', points: 1 } }],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body.rules.0.when.segments.0', message: 'no segment "vip"' }]);
  });
});

describe('priorities and exclusive rules', () => {
  it('an exclusive rule claims its lines: lower rules no longer count them for multipliers, a bonus still sees them', async () => {
    await useRules([
      {
        id: 'clearance',
        name: 'Clearance ×5',
        priority: 10,
        exclusive: true,
        lines: { skus: ['tee'] },
        effect: { type: 'multiplier', factor: 5 },
      },
      {
        id: 'clothing-x2',
        name: 'Clothing ×2',
        lines: { categories: ['clothing'] },
        effect: { type: 'multiplier', factor: 2 },
      },
      {
        id: 'clothing-bonus',
        name: 'Clothing bonus',
        lines: { categories: ['clothing'] },
        effect: { type: 'bonus', points: 5 },
      },
    ]);
    const memberId = await enrol();
    const jeans = line('4', 'jeans', 1, 4000, ['clothing']);
    const earned = await earn(memberId, purchase('e1', [tee, jeans]));
    // base 70; clearance: 30 × 4 = 120; clothing ×2 on the jeans only: 40; the bonus sees both lines.
    expect(ruleLines(earned)).toEqual([
      { rule: 'rule:clearance', points: 120, lineIds: ['1'] },
      { rule: 'rule:clothing-bonus', points: 5, lineIds: ['1', '4'] },
      { rule: 'rule:clothing-x2', points: 40, lineIds: ['4'] },
    ]);
    expect(earned.points).toBe(235);
  });
});

describe('limits', () => {
  it('perMember: at most count times per member per calendar period (program time zone)', async () => {
    await useRules(
      [
        {
          id: 'daily',
          name: 'Once a day',
          limits: { perMember: { count: 1, period: 'day' } },
          effect: { type: 'bonus', points: 10 },
        },
      ],
      { timezone: 'Asia/Tokyo' },
    );
    const memberId = await enrol();
    const day = lastWeekdayAt(3, 1, 0); // Wednesday 10:00 in Tokyo
    expect(ruleLines(await earn(memberId, { orderId: 'd1', amount: eur(100), occurredAt: day }))).toHaveLength(1);
    // 14:59 UTC is 23:59 the same Tokyo day; 15:00 UTC is the next day there.
    const sameDay = new Date(Date.parse(day) + 13 * 3_600_000 + 59 * 60_000).toISOString();
    expect(ruleLines(await earn(memberId, { orderId: 'd2', amount: eur(100), occurredAt: sameDay }))).toEqual([]);
    const nextDay = new Date(Date.parse(day) + 14 * 3_600_000).toISOString();
    expect(ruleLines(await earn(memberId, { orderId: 'd3', amount: eur(100), occurredAt: nextDay }))).toHaveLength(1);
    // Another member has their own count.
    expect(ruleLines(await earn(await enrol(), { orderId: 'd1', amount: eur(100), occurredAt: day }))).toHaveLength(1);
    // A refund that undoes the whole application gives the count back.
    await refund(memberId, { orderId: 'd1', amount: eur(100) });
    expect(ruleLines(await earn(memberId, { orderId: 'd4', amount: eur(100), occurredAt: day }))).toHaveLength(1);
  });

  it('budgetPoints: never more in all; an order that would pass it gets what is left; a refund gives back', async () => {
    await useRules([
      { id: 'first-1000', name: 'Launch', limits: { budgetPoints: 100 }, effect: { type: 'bonus', points: 40 } },
    ]);
    const members = [await enrol(), await enrol(), await enrol(), await enrol()];
    const given = [];
    for (const [index, memberId] of members.entries())
      given.push(ruleLines(await earn(memberId, { orderId: `g${index}`, amount: eur(100) }))[0]?.points ?? 0);
    expect(given).toEqual([40, 40, 20, 0]);
    // A full refund of the first order gives its 40 back to the budget.
    await refund(members[0] as string, { orderId: 'g0', amount: eur(100) });
    expect(ruleLines(await earn(members[3] as string, { orderId: 'g4', amount: eur(100) }))).toEqual([
      { rule: 'rule:first-1000', points: 40 },
    ]);
  });

  it('budgetPoints holds under concurrent earns', async () => {
    await useRules([
      { id: 'rush', name: 'Rush', limits: { budgetPoints: 250 }, effect: { type: 'bonus', points: 30 } },
    ]);
    const members = await Promise.all(Array.from({ length: 12 }, () => enrol()));
    const earned = await Promise.all(
      members.map((memberId, i) => earn(memberId, { orderId: `r${i}`, amount: eur(100) })),
    );
    const total = earned.reduce((sum, e) => sum + (ruleLines(e)[0]?.points ?? 0), 0);
    expect(total).toBe(250);
  });
});

describe('refunds recompute', () => {
  const buy3 = {
    id: 'buy3',
    name: 'Buy 3',
    lines: { skus: ['tee'] },
    when: { minQuantity: 3 },
    effect: { type: 'bonus' as const, points: 200 },
  };

  it('a refund that breaks a "buy 3" takes the bonus back; the rest refunded takes back exactly what the order earned', async () => {
    await useRules([buy3], {
      bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0, spendThreshold: { amount: eur(5000), points: 50 } },
    });
    const memberId = await enrol();
    const three = line('1', 'tee', 3, 4500, ['clothing']);
    const earned = await earn(memberId, purchase('o1', [three, mug]));
    expect(earned.points).toBe(57 + 50 + 200);
    const first = await refund(memberId, { orderId: 'o1', lines: [{ lineId: '1', quantity: 1 }] });
    // 42.50 € left: base 42, below the threshold, not 3 tees any more.
    expect(first).toMatchObject({ type: 'refund', points: -(15 + 50 + 200), amount: eur(1500) });
    expect(first.breakdown).toEqual(
      expect.arrayContaining([
        { rule: 'base', points: -15 },
        { rule: 'spend-threshold', points: -50 },
        { rule: 'rule:buy3', points: -200 },
      ]),
    );
    const rest = await refund(memberId, {
      orderId: 'o1',
      amount: eur(4250),
      lines: [
        { lineId: '1', quantity: 2 },
        { lineId: '2', quantity: 1 },
      ],
    });
    expect(rest.points).toBe(-42);
    expect(await balance(memberId)).toBe(0);
  });

  it('recomputes under the program version the order was earned under', async () => {
    await useRules([buy3]);
    const memberId = await enrol();
    await earn(memberId, purchase('v1', [line('1', 'tee', 3, 3000, ['clothing'])]));
    await useRules([{ ...buy3, effect: { type: 'bonus', points: 999 } }], { earn: { pointsPerUnit: 10 } });
    const refunded = await refund(memberId, { orderId: 'v1', lines: [{ lineId: '1', quantity: 1 }] });
    expect(refunded.points).toBe(-(10 + 200));
  });

  it('a refund by amount only takes that amount off the lines in proportion', async () => {
    await useRules([buy3]);
    const memberId = await enrol();
    await earn(memberId, purchase('a1', [line('1', 'tee', 3, 3000, ['clothing']), line('2', 'mug', 1, 1000)]));
    // 20 € of 40 €: each line loses half its amount; the tee line keeps 2 units of 3: no more "buy 3".
    const refunded = await refund(memberId, { orderId: 'a1', amount: eur(2000) });
    expect(refunded.points).toBe(-(20 + 200));
  });

  it('refuses more units than bought (409), an unknown line (400), lines and amount that disagree (400); writes nothing', async () => {
    await useRules([buy3]);
    const memberId = await enrol();
    await earn(memberId, purchase('z1', [line('1', 'tee', 3, 3000, ['clothing'])]));
    const before = await balance(memberId);
    const tooMany = await refund(memberId, { orderId: 'z1', lines: [{ lineId: '1', quantity: 4 }] }, 409);
    expect(tooMany).toMatchObject({
      type: `${problems}refund-exceeds-order`,
      errors: [{ path: 'body.lines.0.quantity' }],
    });
    const unknown = await refund(memberId, { orderId: 'z1', lines: [{ lineId: '9', quantity: 1 }] }, 400);
    expect(unknown.errors).toEqual([{ path: 'body.lines.0.lineId', message: 'order z1 has no line "9"' }]);
    const disagree = await refund(
      memberId,
      { orderId: 'z1', amount: eur(500), lines: [{ lineId: '1', quantity: 1 }] },
      400,
    );
    expect(disagree.errors).toEqual([
      { path: 'body.amount.value', message: 'must be 1000, what the refunded lines come to' },
    ]);
    expect(await balance(memberId)).toBe(before);
    const ledger = (await api.call('GET', `/v1/members/${memberId}/transactions`)).body.items;
    expect(ledger).toHaveLength(1);
  });
});

describe('bad baskets', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['lines that do not add up', { ...purchase('q', [tee]), amount: eur(3001) }, 'body.lines'],
    [
      'a line in another currency',
      { ...purchase('q', [tee]), lines: [{ ...tee, amount: { value: 3000, currency: 'USD' } }] },
      'body.lines.0.amount.currency',
    ],
    ['a duplicate lineId', purchase('q', [tee, { ...mug, lineId: '1' }]), 'body.lines.1.lineId'],
    [
      'more than 500 lines',
      purchase(
        'q',
        Array.from({ length: 501 }, (_, i) => line(`l${i}`, 's', 1, 1)),
      ),
      'body.lines',
    ],
    ['a quantity of 0', purchase('q', [{ ...tee, quantity: 0 }]), 'body.lines.0.quantity'],
    ['a quantity over 10,000', purchase('q', [{ ...tee, quantity: 10_001 }]), 'body.lines.0.quantity'],
    [
      'tenders that do not add up',
      { ...purchase('q', [tee]), tenders: [{ type: 'card', amount: eur(2999) }] },
      'body.tenders',
    ],
    [
      'more than 10 tenders',
      { orderId: 'q', amount: eur(11), tenders: Array.from({ length: 11 }, () => ({ type: 'cash', amount: eur(1) })) },
      'body.tenders',
    ],
  ];
  it.each(cases)('refuses %s with a 400 at its path, and writes nothing', async (_name, body, path) => {
    await putProgram({});
    const memberId = await enrol();
    const response = await api.call('POST', `/v1/members/${memberId}/earn`, { body });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await api.call('GET', `/v1/members/${memberId}/transactions`)).body.items).toEqual([]);
  });
});

describe('bad programs', () => {
  const rule = (extra: Partial<Rule> = {}): Rule => ({
    id: 'r',
    name: 'R',
    effect: { type: 'bonus', points: 1 },
    ...extra,
  });
  const cases: [string, Partial<ProgramRules>, string][] = [
    ['a duplicate rule id', { rules: [rule(), rule()] }, 'body.rules.1.id'],
    ['an unknown tier', { rules: [rule({ when: { tiers: ['platinum'] } })] }, 'body.rules.0.when.tiers.0'],
    [
      'a factor below 1.01',
      { rules: [rule({ effect: { type: 'multiplier', factor: 1 } })] },
      'body.rules.0.effect.factor',
    ],
    [
      'a factor above 10',
      { rules: [rule({ effect: { type: 'multiplier', factor: 10.5 } })] },
      'body.rules.0.effect.factor',
    ],
    [
      'localTime.from ≥ to',
      { rules: [rule({ when: { localTime: { from: '19:00', to: '17:00' } } })] },
      'body.rules.0.when.localTime.from',
    ],
    [
      'endsAt ≤ startsAt',
      { rules: [rule({ startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2026-12-01T00:00:00.000Z' })] },
      'body.rules.0.endsAt',
    ],
    [
      'a minAmount in another currency',
      { rules: [rule({ when: { minAmount: { value: 1, currency: 'USD' } } })] },
      'body.rules.0.when.minAmount.currency',
    ],
    [
      'two exclusive rules with one priority',
      { rules: [rule({ id: 'a', exclusive: true, priority: 3 }), rule({ id: 'b', exclusive: true, priority: 3 })] },
      'body.rules.1.priority',
    ],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'body.timezone'],
  ];
  it.each(cases)('refuses %s with a 400 at its path, and saves nothing', async (_name, overrides, path) => {
    const before = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version;
    const response = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...structuredClone(defaultProgram), ...overrides },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version).toBe(before);
  });
});

describe('the largest allowed input', () => {
  it('earns, previews and refunds an order of 500 lines and 10 tenders against 100 rules', async () => {
    const categories = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const rules: Rule[] = Array.from({ length: 100 }, (_, i) => ({
      id: `r${String(i).padStart(3, '0')}`,
      name: `Rule ${i}`,
      priority: i % 7,
      lines: { categories: [categories[i % 10] as string] },
      effect:
        i % 3 === 0
          ? { type: 'multiplier', factor: 1.5 }
          : i % 3 === 1
            ? { type: 'pointsPerUnit', points: 1 }
            : { type: 'bonus', points: 2 },
    }));
    await useRules(rules, { earn: { pointsPerUnit: 1, exclude: { tenders: ['giftCard'] } } });
    const memberId = await enrol();
    // 500 lines of 1.00 €, 2 units each, 50 per category.
    const lines = Array.from({ length: 500 }, (_, i) => line(`${i}`, `s${i}`, 2, 100, [categories[i % 10] as string]));
    const tenders = [
      { type: 'giftCard', amount: eur(5000) },
      ...Array.from({ length: 9 }, () => ({ type: 'card', amount: eur(5000) })),
    ];
    const body = purchase('big', lines, { tenders, channel: 'web' });
    const preview = await api.call('POST', `/v1/members/${memberId}/earn/preview`, { body });
    expect(preview.status).toBe(200);
    const earned = await earn(memberId, body);
    // Eligible 500 € − 50 € gift card = 450 €: base 450. Per category 50 € → 45 € eligible:
    // 34 multiplier rules × 22 (45 × 0.5 = 22.5), 33 pointsPerUnit rules × 90 (100 units × 0.9), 33 bonus rules × 2.
    expect(earned.points).toBe(450 + 34 * 22 + 33 * 90 + 33 * 2);
    expect(preview.body.points).toBe(earned.points);
    expect(ruleLines(earned)).toHaveLength(100);
    const refunded = await refund(memberId, { orderId: 'big', amount: eur(50_000) });
    expect(refunded.points).toBe(-earned.points);
    expect(await balance(memberId)).toBe(0);
  });
});

describe('bulk import', () => {
  it('keeps the lines of an imported purchase (history), and refuses a basket that does not add up at its path', async () => {
    await putProgram({});
    const lines = [
      { lineId: 'a', sku: 'tee', categories: ['clothing'], quantity: 2, amount: eur(3000) },
      { lineId: 'b', sku: 'mug', quantity: 1, amount: eur(1250) },
    ];
    const file = [
      { kind: 'member', externalId: 'basket-imp-1', consent: { marketing: false, analytics: false } },
      {
        kind: 'purchase',
        externalId: 'basket-imp-1',
        orderId: 'hist-1',
        amount: eur(4250),
        occurredAt: new Date(Date.now() - 200 * DAY).toISOString(),
        channel: 'web',
        lines,
      },
      {
        kind: 'purchase',
        externalId: 'basket-imp-1',
        orderId: 'hist-2',
        amount: eur(4000),
        occurredAt: new Date(Date.now() - 100 * DAY).toISOString(),
        lines,
      },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    const created = await api.call('POST', '/v1/admin/imports', {
      rawBody: file,
      as: 'admin',
      headers: { 'Content-Type': 'application/x-ndjson' },
    });
    expect(created.status).toBe(202);
    await api.imports.idle();
    const progress = await api.call('GET', `/v1/admin/imports/${created.body.importId}`, { as: 'admin' });
    expect(progress.body).toMatchObject({ processed: 3, succeeded: 2, failed: 1 });
    const errors = await api.call('GET', `/v1/admin/imports/${created.body.importId}/errors`, { as: 'admin' });
    expect(errors.body.items).toEqual([
      expect.objectContaining({
        line: 3,
        problem: expect.objectContaining({ errors: [expect.objectContaining({ path: 'lines' })] }),
      }),
    ]);
    const member = await api.call('GET', '/v1/members?externalId=basket-imp-1');
    const memberId = member.body.items[0].memberId as string;
    // The imported order knows its lines: a refund by line is accepted (it earned nothing, so takes nothing).
    const refunded = await refund(memberId, { orderId: 'hist-1', lines: [{ lineId: 'b', quantity: 1 }] });
    expect(refunded).toMatchObject({ points: 0, amount: eur(1250) });
    await refund(memberId, { orderId: 'hist-1', lines: [{ lineId: 'z', quantity: 1 }] }, 400);
  });
});

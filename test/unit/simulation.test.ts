import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newOrder, type OrderState } from '@shared/domain/order';
import {
  ProgramHistory,
  replayMemberHistory,
  sumReplays,
  type ProgramVersion,
  type ReplayResult,
} from '@shared/domain/simulation';
import { ProgramRules } from '@shared/schemas/program';
import { eur } from '../support/money';

const rules = (overrides: Partial<ProgramRules> = {}): ProgramRules =>
  ProgramRules.parse({
    currency: 'EUR',
    earn: { pointsPerUnit: 1 },
    tiers: [
      {
        id: 'member',
        name: 'Member',
        minQualifyingSpend: eur(0),
        pointsMultiplier: 1,
        cashbackRate: 100,
        discountRate: 0,
      },
      {
        id: 'silver',
        name: 'Silver',
        minQualifyingSpend: eur(50_000),
        pointsMultiplier: 1.5,
        cashbackRate: 200,
        discountRate: 0,
      },
    ],
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
    ...overrides,
  });

const version = (program: ProgramRules, number: number, updatedAt: string): ProgramVersion => ({
  ...program,
  version: number,
  updatedAt,
});

const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };

function order(orderId: string, value: number, occurredAt: string, extra: Partial<OrderState> = {}): OrderState {
  return {
    ...newOrder('m1', orderId, eur(value), occurredAt, new Date(occurredAt)),
    points: { earned: 0, reversed: 0 },
    ...extra,
  };
}

const coffee = {
  id: 'coffee',
  name: 'Double on coffee',
  lines: { categories: ['coffee'] },
  effect: { type: 'multiplier' as const, factor: 2 },
};

function withLines(o: OrderState, lines: { sku: string; categories: string[]; amount: number }[]): OrderState {
  return {
    ...o,
    basket: {
      programVersion: 1,
      lines: lines.map((line, index) => ({
        lineId: String(index + 1),
        sku: line.sku,
        categories: line.categories,
        quantity: 1,
        amount: line.amount,
        refundedQuantity: 0,
        refundedAmount: 0,
      })),
      share: { num: 1, den: 1 },
      basis: { tier: 'member', firstPurchase: false },
      eligible: o.amount,
      held: {},
      rules: {},
    },
  };
}

describe('replaying a member through the program in force and a draft', () => {
  const history = new ProgramHistory([version(rules(), 1, '1970-01-01T00:00:00.000Z')]);

  it('a draft equal to the program gives the same figures', () => {
    const orders = [order('a', 10_000, '2026-03-02T10:00:00.000Z'), order('b', 45_000, '2026-04-02T10:00:00.000Z')];
    const result = replayMemberHistory({ memberId: 'm1', orders, history, draft: rules(), period });
    expect(result.current).toEqual(result.draft);
    expect(result).toMatchObject({ purchases: 2, members: 1 });
    expect(result.current.points).toBe(100 + 450);
  });

  it('a multiplier rule on coffee lines doubles their base points, and only theirs', () => {
    const orders = [
      withLines(order('a', 3_000, '2026-03-02T10:00:00.000Z'), [
        { sku: 'latte', categories: ['coffee'], amount: 1_000 },
        { sku: 'cake', categories: ['food'], amount: 2_000 },
      ]),
    ];
    const result = replayMemberHistory({
      memberId: 'm1',
      orders,
      history,
      draft: rules({ rules: [coffee] }),
      period,
    });
    expect(result.current.byRule).toEqual({ base: 30 });
    expect(result.draft.byRule).toEqual({ base: 30, 'rule:coffee': 10 });
    expect(result.draft.points - result.current.points).toBe(10);
  });

  it('a lower tier threshold moves the member up sooner: the next purchase earns at the new tier', () => {
    // 400 EUR, then 200 EUR: under a 300 EUR silver the second purchase earns ×1.5.
    const orders = [order('a', 40_000, '2026-03-02T10:00:00.000Z'), order('b', 20_000, '2026-03-03T10:00:00.000Z')];
    const lower = rules();
    lower.tiers[1] = { ...lower.tiers[1]!, minQualifyingSpend: eur(30_000) };
    const result = replayMemberHistory({ memberId: 'm1', orders, history, draft: lower, period });
    expect(result.current.byRule).toEqual({ base: 600 });
    expect(result.draft.byRule).toEqual({ base: 600, 'tier:silver': 100 });
    expect(result.current.tiers).toEqual({ silver: 1 });
    expect(result.draft.tiers).toEqual({ silver: 1 });
  });

  it('orders before the period build the member (tier, first purchase) but are not counted', () => {
    const first = { ...coffee, id: 'welcome', lines: undefined, when: { firstPurchase: true as const } };
    const welcome = { ...first, effect: { type: 'bonus' as const, points: 500 } };
    const orders = [order('old', 60_000, '2026-01-10T10:00:00.000Z'), order('a', 10_000, '2026-03-05T10:00:00.000Z')];
    const result = replayMemberHistory({
      memberId: 'm1',
      orders,
      history,
      draft: rules({ rules: [welcome] }),
      period,
    });
    expect(result.purchases).toBe(1);
    // Silver from the earlier order; the welcome bonus went to that first order, not this one.
    expect(result.draft.byRule).toEqual({ base: 100, 'tier:silver': 50 });
  });

  it('a per-member limit stops the rule after its count, in time order whatever order the orders come in', () => {
    const limited = { ...coffee, limits: { perMember: { count: 1, period: 'month' as const } } };
    const cup = (id: string, at: string) =>
      withLines(order(id, 1_000, at), [{ sku: 'latte', categories: ['coffee'], amount: 1_000 }]);
    const orders = [
      cup('c', '2026-04-01T10:00:00.000Z'),
      cup('b', '2026-03-20T10:00:00.000Z'),
      cup('a', '2026-03-10T10:00:00.000Z'),
    ];
    const result = replayMemberHistory({
      memberId: 'm1',
      orders,
      history,
      draft: rules({ rules: [limited] }),
      period,
    });
    expect(result.draft.byRule).toEqual({ base: 30, 'rule:coffee': 20 });
  });

  it('each order replays under the version it earned under; the tier at `to` is judged by the version then', () => {
    const doubled = rules({ earn: { pointsPerUnit: 2 } });
    const twoVersions = new ProgramHistory([
      version(rules(), 1, '1970-01-01T00:00:00.000Z'),
      version(doubled, 2, '2026-04-01T00:00:00.000Z'),
    ]);
    const orders = [
      order('a', 10_000, '2026-03-02T10:00:00.000Z', { recordedAt: '2026-03-02T10:00:00.000Z' }),
      order('b', 10_000, '2026-04-02T10:00:00.000Z', { recordedAt: '2026-04-02T10:00:00.000Z' }),
    ];
    const result = replayMemberHistory({ memberId: 'm1', orders, history: twoVersions, draft: rules(), period });
    expect(result.current.points).toBe(100 + 200);
    expect(result.draft.points).toBe(200);
  });

  it('cashback: the tier rate of what was kept, for orders credited cashback', () => {
    const credited = { credited: 0, reversed: 0, releaseAt: '2026-03-20T00:00:00.000Z' };
    const orders = [
      order('a', 10_000, '2026-03-02T10:00:00.000Z', { cashback: credited, refunded: 2_500 }),
      order('b', 10_000, '2026-03-03T10:00:00.000Z'),
    ];
    const result = replayMemberHistory({ memberId: 'm1', orders, history, draft: rules(), period });
    expect(result.current.cashback).toBe(75);
    expect(result.current.points).toBe(75 + 100);
  });

  it('orders from `to` on are left out; a member with none in the period counts for nothing', () => {
    const result = replayMemberHistory({
      memberId: 'm1',
      orders: [order('late', 10_000, period.to)],
      history,
      draft: rules(),
      period,
    });
    expect(result).toMatchObject({ purchases: 0, members: 0, current: { points: 0, tiers: {} } });
  });

  it('property: a draft equal to the program in force gives equal figures, and the replay is deterministic', () => {
    const orderArb = fc.record({
      value: fc.integer({ min: 0, max: 200_000 }),
      day: fc.integer({ min: 0, max: 150 }),
      refunded: fc.nat({ max: 100 }),
      cashback: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 20 }), (specs) => {
        const orders = specs.map((spec, index) =>
          order(
            `o${index}`,
            spec.value,
            new Date(Date.parse('2026-01-15T00:00:00.000Z') + spec.day * 86_400_000).toISOString(),
            {
              refunded: Math.floor((spec.value * spec.refunded) / 100),
              ...(spec.cashback ? { cashback: { credited: 0, reversed: 0, releaseAt: period.to } } : {}),
            },
          ),
        );
        const draft = rules();
        const one = replayMemberHistory({ memberId: 'm1', orders, history, draft, period });
        const two = replayMemberHistory({ memberId: 'm1', orders: [...orders].reverse(), history, draft, period });
        expect(one.current).toEqual(one.draft);
        expect(two).toEqual(one);
        const byRule = Object.values(one.current.byRule).reduce((sum, points) => sum + points, 0);
        expect(byRule).toBe(one.current.points);
      }),
      { numRuns: 200 },
    );
  });

  it('sums partitions whatever their order', () => {
    const a: ReplayResult = {
      purchases: 2,
      members: 1,
      current: { points: 10, cashback: 1, byRule: { base: 10 }, tiers: { member: 1 } },
      draft: { points: 20, cashback: 2, byRule: { base: 10, 'rule:x': 10 }, tiers: { silver: 1 } },
    };
    const b: ReplayResult = {
      purchases: 1,
      members: 1,
      current: { points: 5, cashback: 0, byRule: { base: 5 }, tiers: { silver: 1 } },
      draft: { points: 5, cashback: 0, byRule: { base: 5 }, tiers: { silver: 1 } },
    };
    const total = sumReplays([a, b]);
    expect(JSON.stringify(sumReplays([b, a]))).toBe(JSON.stringify(total));
    expect(total).toEqual({
      purchases: 3,
      members: 2,
      current: { points: 15, cashback: 1, byRule: { base: 15 }, tiers: { member: 1, silver: 1 } },
      draft: { points: 25, cashback: 2, byRule: { base: 15, 'rule:x': 10 }, tiers: { silver: 2 } },
    });
  });
});

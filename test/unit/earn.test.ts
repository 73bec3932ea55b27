import { describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import fc from 'fast-check';
import { birthdayIn, birthdayWeekYear, pointsForPurchase } from '@shared/domain/earn';
import { newMember, type MemberState } from '@shared/domain/member';
import { ProgramRules, type Promotion } from '@shared/schemas/program';

const now = new Date('2026-06-15T12:00:00.000Z');

function program(overrides: Partial<ProgramRules> = {}): ProgramRules {
  return ProgramRules.parse({
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
        pointsMultiplier: 1.25,
        cashbackRate: 200,
        discountRate: 500,
      },
      {
        id: 'gold',
        name: 'Gold',
        minQualifyingSpend: eur(200_000),
        pointsMultiplier: 1.5,
        cashbackRate: 300,
        discountRate: 1000,
      },
    ],
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
    ...overrides,
  });
}

function member(
  overrides: { spendByDay?: Record<string, number>; birthday?: string; birthdayBonusYear?: number } = {},
): MemberState {
  const base = newMember({
    memberId: 'm1',
    referralCode: 'ABCDEFGH',
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: overrides.birthday ? { birthday: overrides.birthday } : {},
    consent: { marketing: false, analytics: false },
  });
  return {
    ...base,
    purchases: {
      ...base.purchases,
      spendByDay: overrides.spendByDay ?? {},
      ...(overrides.birthdayBonusYear !== undefined ? { birthdayBonusYear: overrides.birthdayBonusYear } : {}),
    },
  };
}

const purchase = (value: number, occurredAt = now.toISOString()) => ({
  orderId: 'o-1',
  amount: eur(value),
  occurredAt,
});
const promotion = (overrides: Partial<Promotion>): Promotion => ({
  id: 'promo',
  name: 'Promo',
  startsAt: '2026-06-01T00:00:00.000Z',
  endsAt: '2026-07-01T00:00:00.000Z',
  ...overrides,
});

describe('base points', () => {
  it('gives the program rate per whole major unit, rounded down', () => {
    expect(pointsForPurchase(program(), member(), purchase(2599), now)).toEqual({
      points: 25,
      breakdown: [{ rule: 'base', points: 25 }],
    });
    expect(pointsForPurchase(program({ earn: { pointsPerUnit: 3 } }), member(), purchase(1050), now).points).toBe(31);
    expect(pointsForPurchase(program(), member(), purchase(99), now).points).toBe(0);
  });

  it('counts major units by the currency (JPY has no minor unit)', () => {
    const yen = program({
      currency: 'JPY',
      tiers: [
        {
          id: 'member',
          name: 'Member',
          minQualifyingSpend: { value: 0, currency: 'JPY' },
          pointsMultiplier: 1,
          cashbackRate: 0,
          discountRate: 0,
        },
      ],
    });
    expect(
      pointsForPurchase(
        yen,
        member(),
        { orderId: 'o', amount: { value: 1234, currency: 'JPY' }, occurredAt: now.toISOString() },
        now,
      ).points,
    ).toBe(1234);
  });
});

describe('tier multiplier', () => {
  it('adds base × (multiplier − 1) of the tier held, as its own line', () => {
    const silver = member({ spendByDay: { '2026-05-01': 60_000 } });
    expect(pointsForPurchase(program(), silver, purchase(10_000), now).breakdown).toEqual([
      { rule: 'base', points: 100 },
      { rule: 'tier:silver', points: 25 },
    ]);
  });

  it('lets the purchase that crosses a threshold earn at the old tier', () => {
    const almostSilver = member({ spendByDay: { '2026-06-01': 49_999 } });
    const result = pointsForPurchase(program(), almostSilver, purchase(10_000), now);
    expect(result.points).toBe(100);
    expect(result.breakdown).toEqual([{ rule: 'base', points: 100 }]);
  });

  it('gives the same tier when the order was already recorded by its cashback', () => {
    // The cashback credit came first and recorded the order's 10 000: the member looks silver, but was not before this order.
    const recorded = member({ spendByDay: { '2026-06-01': 45_000, '2026-06-15': 10_000 } });
    const result = pointsForPurchase(program(), recorded, purchase(10_000), now, {
      occurredAt: now.toISOString(),
      amount: 10_000,
      refunded: 0,
    });
    expect(result.breakdown.map((l) => l.rule)).toEqual(['base']);
  });

  it('counts only the last 365 days of spend, so a tier is lost as old purchases leave the window', () => {
    const oldSpend = member({ spendByDay: { '2025-06-15': 300_000 } });
    expect(pointsForPurchase(program(), oldSpend, purchase(10_000), now).breakdown.map((l) => l.rule)).toEqual([
      'base',
    ]);
    const inWindow = member({ spendByDay: { '2025-06-16': 300_000 } });
    expect(pointsForPurchase(program(), inWindow, purchase(10_000), now).breakdown).toContainEqual({
      rule: 'tier:gold',
      points: 50,
    });
  });
});

describe('promotions', () => {
  it('applies a promotion running at the purchase time, start inclusive and end exclusive', () => {
    const rules = program({ promotions: [promotion({ pointsMultiplier: 2 })] });
    expect(
      pointsForPurchase(rules, member(), purchase(10_000, '2026-06-01T00:00:00.000Z'), now).breakdown,
    ).toContainEqual({ rule: 'promotion:promo', points: 100 });
    expect(pointsForPurchase(rules, member(), purchase(10_000, '2026-05-31T23:59:59.999Z'), now).points).toBe(100);
    expect(pointsForPurchase(rules, member(), purchase(10_000, '2026-07-01T00:00:00.000Z'), now).points).toBe(100);
  });

  it('gives a late till the promotion that was running when the purchase happened', () => {
    const rules = program({
      promotions: [
        promotion({ startsAt: '2026-05-01T00:00:00.000Z', endsAt: '2026-05-08T00:00:00.000Z', bonusPoints: 40 }),
      ],
    });
    const late = pointsForPurchase(rules, member(), purchase(1000, '2026-05-03T10:00:00.000Z'), now);
    expect(late.breakdown).toEqual([
      { rule: 'base', points: 10 },
      { rule: 'promotion:promo', points: 40 },
    ]);
  });

  it('applies every multiplier to the base alone, each on its own line, never compounding', () => {
    const gold = member({ spendByDay: { '2026-03-01': 250_000 } });
    const rules = program({
      promotions: [
        promotion({ id: 'double', pointsMultiplier: 2 }),
        promotion({ id: 'summer', pointsMultiplier: 1.1, bonusPoints: 5 }),
      ],
    });
    const result = pointsForPurchase(rules, gold, purchase(10_000), now);
    expect(result.breakdown).toEqual([
      { rule: 'base', points: 100 },
      { rule: 'tier:gold', points: 50 },
      { rule: 'promotion:double', points: 100 },
      { rule: 'promotion:summer', points: 15 },
    ]);
    expect(result.points).toBe(265);
  });

  it('rounds each multiplier line down on its own', () => {
    const rules = program({ promotions: [promotion({ pointsMultiplier: 1.33 })] });
    // base 7; 7 × 0.33 = 2.31 → 2
    expect(pointsForPurchase(rules, member(), purchase(799), now).breakdown).toEqual([
      { rule: 'base', points: 7 },
      { rule: 'promotion:promo', points: 2 },
    ]);
  });
});

describe('spend threshold bonus', () => {
  const rules = program({
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0, spendThreshold: { amount: eur(10_000), points: 50 } },
  });
  it('adds its points to a purchase of at least the amount', () => {
    expect(pointsForPurchase(rules, member(), purchase(10_000), now).breakdown).toEqual([
      { rule: 'base', points: 100 },
      { rule: 'spend-threshold', points: 50 },
    ]);
  });
  it('gives nothing below the amount', () => {
    expect(pointsForPurchase(rules, member(), purchase(9_999), now).breakdown).toEqual([{ rule: 'base', points: 99 }]);
  });
});

describe('birthday bonus', () => {
  const rules = program({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 200 } });

  it('is given on a purchase in the 7 days starting on the birthday, and says for which year', () => {
    const born = member({ birthday: '1990-06-10' });
    for (const day of ['2026-06-10T00:00:00.000Z', '2026-06-16T23:59:59.999Z']) {
      const result = pointsForPurchase(rules, born, purchase(1000, day), now);
      expect(result.breakdown).toContainEqual({ rule: 'birthday', points: 200 });
      expect(result.birthdayBonusYear).toBe(2026);
    }
  });

  it('is not given before the birthday or after its week', () => {
    const born = member({ birthday: '1990-06-10' });
    expect(
      pointsForPurchase(rules, born, purchase(1000, '2026-06-09T23:59:59.999Z'), now).birthdayBonusYear,
    ).toBeUndefined();
    expect(pointsForPurchase(rules, born, purchase(1000, '2026-06-17T00:00:00.000Z'), now).points).toBe(10);
  });

  it('is given once a year', () => {
    const alreadyCelebrated = member({ birthday: '1990-06-10', birthdayBonusYear: 2026 });
    const result = pointsForPurchase(rules, alreadyCelebrated, purchase(1000, '2026-06-12T10:00:00.000Z'), now);
    expect(result.breakdown).toEqual([{ rule: 'base', points: 10 }]);
    expect(result.birthdayBonusYear).toBeUndefined();
    const lastYear = member({ birthday: '1990-06-10', birthdayBonusYear: 2025 });
    expect(pointsForPurchase(rules, lastYear, purchase(1000, '2026-06-12T10:00:00.000Z'), now).birthdayBonusYear).toBe(
      2026,
    );
  });

  it('counts a week that runs into January for the year of the birthday', () => {
    expect(birthdayWeekYear('1990-12-28', '2027-01-03T10:00:00.000Z')).toBe(2026);
    expect(birthdayWeekYear('1990-12-28', '2027-01-04T00:00:00.000Z')).toBeUndefined();
    expect(birthdayWeekYear('1990-12-28', '2026-12-27T23:59:59.000Z')).toBeUndefined();
  });

  it('celebrates a 29 February birthday on 28 February in other years', () => {
    expect(birthdayIn('2000-02-29', 2027).toISOString().slice(0, 10)).toBe('2027-02-28');
    expect(birthdayIn('2000-02-29', 2028).toISOString().slice(0, 10)).toBe('2028-02-29');
    expect(birthdayWeekYear('2000-02-29', '2027-02-28T08:00:00.000Z')).toBe(2027);
    expect(birthdayWeekYear('2000-02-29', '2027-03-06T23:00:00.000Z')).toBe(2027);
    expect(birthdayWeekYear('2000-02-29', '2027-03-07T00:00:00.000Z')).toBeUndefined();
    expect(birthdayWeekYear('2000-02-29', '2028-02-28T23:00:00.000Z')).toBeUndefined();
  });

  it('needs a birthday on the profile and a bonus in the program', () => {
    expect(
      pointsForPurchase(rules, member(), purchase(1000, '2026-06-12T10:00:00.000Z'), now).birthdayBonusYear,
    ).toBeUndefined();
    expect(
      pointsForPurchase(program(), member({ birthday: '1990-06-10' }), purchase(1000, '2026-06-12T10:00:00.000Z'), now)
        .breakdown,
    ).toEqual([{ rule: 'base', points: 10 }]);
  });
});

describe('properties of the earn rules', () => {
  const day = fc
    .integer({ min: 0, max: 364 })
    .map((d) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10));
  const anyProgram = fc
    .record({
      pointsPerUnit: fc.integer({ min: 0, max: 100 }),
      multipliers: fc
        .array(fc.integer({ min: 100, max: 500 }), { minLength: 1, maxLength: 4 })
        .map((m) => m.sort((a, b) => a - b).map((h) => h / 100)),
      promotions: fc.array(
        fc.record({
          multiplier: fc.option(fc.integer({ min: 100, max: 1000 }), { nil: undefined }),
          bonus: fc.integer({ min: 0, max: 1000 }),
          startDay: fc.integer({ min: -30, max: 30 }),
          days: fc.integer({ min: 1, max: 30 }),
        }),
        { maxLength: 4 },
      ),
      threshold: fc.option(
        fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), points: fc.integer({ min: 0, max: 1000 }) }),
        { nil: undefined },
      ),
      birthday: fc.integer({ min: 0, max: 1000 }),
    })
    .map((p) =>
      program({
        earn: { pointsPerUnit: p.pointsPerUnit },
        tiers: p.multipliers.map((m, i) => ({
          id: `t${i}`,
          name: `T${i}`,
          minQualifyingSpend: eur(i * 10_000),
          pointsMultiplier: m,
          cashbackRate: 0,
          discountRate: 0,
        })),
        promotions: p.promotions.map((promo, i) =>
          promotion({
            id: `p${i}`,
            startsAt: new Date(now.getTime() + promo.startDay * 86_400_000).toISOString(),
            endsAt: new Date(now.getTime() + (promo.startDay + promo.days) * 86_400_000).toISOString(),
            bonusPoints: promo.bonus,
            ...(promo.multiplier ? { pointsMultiplier: promo.multiplier / 100 } : {}),
          }),
        ),
        bonuses: {
          signup: 0,
          referrer: 0,
          referee: 0,
          birthday: p.birthday,
          ...(p.threshold ? { spendThreshold: { amount: eur(p.threshold.amount), points: p.threshold.points } } : {}),
        },
      }),
    );
  const anyMember = fc.record({
    spend: fc.dictionary(day, fc.integer({ min: -5_000, max: 100_000 })),
    birthday: fc.option(fc.constantFrom('1990-06-15', '2000-02-29', '1985-12-30'), { nil: undefined }),
  });
  const anyPurchase = fc.record({
    value: fc.integer({ min: 1, max: 10_000_000 }),
    daysBack: fc.integer({ min: 0, max: 90 }),
  });

  it('never gives negative points, and the breakdown always sums to the total', () => {
    fc.assert(
      fc.property(anyProgram, anyMember, anyPurchase, (rules, m, p) => {
        const result = pointsForPurchase(
          rules,
          member({ spendByDay: m.spend, ...(m.birthday ? { birthday: m.birthday } : {}) }),
          purchase(p.value, new Date(now.getTime() - p.daysBack * 86_400_000).toISOString()),
          now,
        );
        expect(result.points).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(result.points)).toBe(true);
        for (const line of result.breakdown) expect(line.points).toBeGreaterThanOrEqual(0);
        expect(result.breakdown.reduce((sum, line) => sum + line.points, 0)).toBe(result.points);
      }),
    );
  });

  it('never gives a higher tier fewer points for the same purchase', () => {
    fc.assert(
      fc.property(
        anyProgram,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        (rules, value, spendA, spendB) => {
          const [low, high] = spendA <= spendB ? [spendA, spendB] : [spendB, spendA];
          const at = (spend: number) =>
            pointsForPurchase(rules, member({ spendByDay: { '2026-06-01': spend } }), purchase(value), now).points;
          expect(at(high)).toBeGreaterThanOrEqual(at(low));
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  advanceTotals,
  computeMeasures,
  customerLifetimeValue,
  defaultWindow,
  emptyTotals,
  netPromoterScore,
  previousWindow,
  purchaserContribution,
  type MemberOrderFact,
  type NpsAnswerFact,
  type RunningTotals,
  type SnapshotInputs,
} from '@shared/domain/metrics';

/** A window exactly one (Julian) year long: purchases per year equal purchases in the window. */
const oneYear = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T06:00:00.000Z' };

const order = (memberId: string, occurredAt: string, amount: number, refunded = 0): MemberOrderFact => ({
  memberId,
  orderId: `${memberId}-${occurredAt}`,
  occurredAt,
  amount,
  refunded,
});

function inputs(overrides: Partial<SnapshotInputs>): SnapshotInputs {
  return {
    window: oneYear,
    currency: 'EUR',
    totals: emptyTotals,
    memberOrders: [],
    nonMemberPurchases: [],
    npsAnswers: [],
    firstPurchaseAt: new Map(),
    ...overrides,
  };
}

describe('customer lifetime value (t × c × f)', () => {
  it('values a customer who buys 4 times a year for 4.5 years at 4.5 × 4 × their order value', () => {
    // First purchase 2021-07-01, last 4.5 Julian years later (1643.625 days): 2025-12-30T15:00Z.
    const lifespan = purchaserContribution({
      count: 19,
      firstAt: '2021-07-01T00:00:00.000Z',
      lastAt: '2025-12-30T15:00:00.000Z',
    });
    expect(lifespan).toEqual({ purchaser: 1, repeat: 1, lifespanSeconds: 142_009_200 });
    const totals = advanceTotals(emptyTotals, { contributionChanges: [{ before: undefined, after: lifespan }] });
    const orders = ['2025-02-10', '2025-05-10', '2025-08-10', '2025-11-10'].map((day) =>
      order('anna', `${day}T10:00:00.000Z`, 5_000),
    );
    const measures = computeMeasures(
      inputs({ totals, memberOrders: orders, firstPurchaseAt: new Map([['anna', '2021-07-01T00:00:00.000Z']]) }),
    );
    expect(measures.clv).toEqual({
      value: { value: 90_000, currency: 'EUR' },
      lifespanYears: 4.5,
      purchasesPerYear: 4,
      averageOrderValue: { value: 5_000, currency: 'EUR' },
    });
  });

  it("uses the program's expected lifespan when it is set: 5 years × 3.5 purchases a year × 40.00 = 700.00", () => {
    const measures = computeMeasures(
      inputs({
        expectedLifespanYears: 5,
        // Two members, seven purchases of 40.00 over one year: 3.5 purchases per member per year.
        memberOrders: [
          ...['02', '05', '08', '11'].map((month) => order('ben', `2025-${month}-01T09:00:00.000Z`, 4_000)),
          ...['03', '06', '09'].map((month) => order('cleo', `2025-${month}-01T09:00:00.000Z`, 4_000)),
        ],
      }),
    );
    expect(measures.clv).toEqual({
      value: { value: 70_000, currency: 'EUR' },
      lifespanYears: 5,
      purchasesPerYear: 3.5,
      averageOrderValue: { value: 4_000, currency: 'EUR' },
    });
  });

  it('rounds the value down once, from the exact average order value, not from the rounded one', () => {
    // c = 1001 / 3 = 333.67 (shown as 333), f = 3, t = 1 year: 1001, not 3 × 333 = 999.
    const clv = customerLifetimeValue({
      totals: { repeatPurchasers: 0, repeatLifespanSeconds: 0 },
      expectedLifespanYears: 1,
      windowMs: Date.parse(oneYear.to) - Date.parse(oneYear.from),
      activeMembers: 1,
      orders: 3,
      spend: 1_001,
      currency: 'EUR',
    });
    expect(clv.value).toEqual({ value: 1_001, currency: 'EUR' });
    expect(clv.averageOrderValue).toEqual({ value: 333, currency: 'EUR' });
  });

  it('scales purchases per year from a 30-day window', () => {
    // 2 purchases per active member in 30 days: 2 × 365.25 / 30 = 24.35 per year.
    const window = defaultWindow(new Date('2026-03-31T00:00:00.000Z'));
    const measures = computeMeasures(
      inputs({
        window,
        memberOrders: [
          order('dan', '2026-03-05T00:00:00.000Z', 1_000),
          order('dan', '2026-03-20T00:00:00.000Z', 3_000),
        ],
      }),
    );
    expect(measures.clv.purchasesPerYear).toBeCloseTo(24.35, 10);
    expect(measures.clv.lifespanYears).toBeNull();
    expect(measures.clv.value).toBeNull();
  });

  it('has no value without active members or without any lifespan to measure', () => {
    expect(computeMeasures(inputs({ expectedLifespanYears: 3 })).clv).toEqual({
      value: null,
      lifespanYears: 3,
      purchasesPerYear: null,
      averageOrderValue: null,
    });
  });
});

describe('snapshot measures', () => {
  const totals: RunningTotals = {
    membersTotal: 10,
    purchasers: 8,
    repeatPurchasers: 3,
    repeatLifespanSeconds: 3 * 31_557_600,
    pointsIssued: 4_000,
    pointsRedeemed: 1_000,
    pointsOutstanding: 2_700,
    cashbackOutstanding: 1_234,
  };
  const window = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' };

  it('computes every measure from the totals and the window facts, by hand', () => {
    const memberOrders = [
      // Previous window (2026-01-30 … 2026-03-01): ann, bob, cat.
      order('ann', '2026-02-10T10:00:00.000Z', 9_999),
      order('bob', '2026-02-11T10:00:00.000Z', 9_999),
      order('cat', '2026-02-12T10:00:00.000Z', 9_999),
      // Window: ann and bob come back (retained 2 of 3), dee buys for the first time; one of bob's orders was half refunded.
      order('ann', '2026-03-02T10:00:00.000Z', 3_000),
      order('bob', '2026-03-03T10:00:00.000Z', 2_000, 1_000),
      order('bob', '2026-03-04T10:00:00.000Z', 4_000),
      order('dee', '2026-03-05T10:00:00.000Z', 6_001),
      // Before both windows: ignored.
      order('eve', '2025-12-01T10:00:00.000Z', 50_000),
    ];
    const firstPurchaseAt = new Map([
      ['ann', '2025-06-01T00:00:00.000Z'],
      ['bob', '2025-07-01T00:00:00.000Z'],
      ['dee', '2026-03-05T10:00:00.000Z'],
    ]);
    const npsAnswers: NpsAnswerFact[] = [
      { memberId: 'ann', score: 3, answeredAt: '2026-03-02T00:00:00.000Z', answerId: 'a1' },
      { memberId: 'ann', score: 10, answeredAt: '2026-03-09T00:00:00.000Z', answerId: 'a2' }, // ann's latest: a promoter
      { memberId: 'bob', score: 8, answeredAt: '2026-03-03T00:00:00.000Z', answerId: 'b1' }, // passive
      { memberId: 'dee', score: 6, answeredAt: '2026-03-06T00:00:00.000Z', answerId: 'd1' }, // detractor
      { memberId: 'eve', score: 0, answeredAt: '2026-02-01T00:00:00.000Z', answerId: 'e1' }, // outside the window
    ];
    const nonMemberPurchases = [
      { orderId: 'n1', occurredAt: '2026-03-10T00:00:00.000Z', amount: 1_500 },
      { orderId: 'n2', occurredAt: '2026-03-11T00:00:00.000Z', amount: 2_000 },
      { orderId: 'n3', occurredAt: '2026-02-11T00:00:00.000Z', amount: 99_999 }, // previous window: ignored
    ];
    const measures = computeMeasures({
      window,
      currency: 'EUR',
      totals,
      memberOrders,
      nonMemberPurchases,
      npsAnswers,
      firstPurchaseAt,
    });

    // Window spend by members: 3000 + (2000 − 1000) + 4000 + 6001 = 14001 over 4 orders and 3 active members.
    expect(measures).toEqual({
      window,
      members: { total: 10, active: 3 },
      clv: {
        // t = 1 year (3 members, 3 years in all); f = 4/3 × 365.25/30; c = 14001/4: CLV = 14001 × 365.25 / (3 × 30) = 56820.72…
        value: { value: 56_820, currency: 'EUR' },
        lifespanYears: 1,
        purchasesPerYear: (4 / 3) * (365.25 / 30),
        averageOrderValue: { value: 3_500, currency: 'EUR' },
      },
      repeatCustomerRate: 3 / 8,
      retentionRate: 2 / 3,
      nps: 0, // 1 promoter, 1 passive, 1 detractor: (1 − 1) / 3
      npsResponses: 3,
      redemptionRate: 0.25,
      averageSpendPerMember: { value: 4_667, currency: 'EUR' }, // 14001 / 3 = 4667
      averageOrderValue: {
        members: { value: 3_500, currency: 'EUR' }, // 14001 / 4 = 3500.25
        nonMembers: { value: 1_750, currency: 'EUR' },
        newMembers: { value: 6_001, currency: 'EUR' }, // dee
        returningMembers: { value: 2_666, currency: 'EUR' }, // ann and bob: 8000 / 3
      },
      pointsOutstanding: 2_700,
      cashbackOutstanding: { value: 1_234, currency: 'EUR' },
    });
  });

  it('answers null wherever a denominator is zero', () => {
    const measures = computeMeasures({
      window,
      currency: 'EUR',
      totals: emptyTotals,
      memberOrders: [],
      nonMemberPurchases: [],
      npsAnswers: [],
      firstPurchaseAt: new Map(),
    });
    expect(measures).toMatchObject({
      members: { total: 0, active: 0 },
      repeatCustomerRate: null,
      retentionRate: null,
      nps: null,
      npsResponses: 0,
      redemptionRate: null,
      averageSpendPerMember: null,
      averageOrderValue: { members: null, nonMembers: null, newMembers: null, returningMembers: null },
      pointsOutstanding: 0,
      cashbackOutstanding: { value: 0, currency: 'EUR' },
    });
  });

  it('counts a fully refunded order as a purchase that adds no spend', () => {
    const measures = computeMeasures({
      window,
      currency: 'EUR',
      totals,
      memberOrders: [
        order('ann', '2026-03-02T00:00:00.000Z', 5_000, 5_000),
        order('ann', '2026-03-03T00:00:00.000Z', 3_000),
      ],
      nonMemberPurchases: [],
      npsAnswers: [],
      firstPurchaseAt: new Map(),
    });
    expect(measures.averageOrderValue.members).toEqual({ value: 1_500, currency: 'EUR' });
    expect(measures.members.active).toBe(1);
  });

  it('takes the previous window as the same length just before', () => {
    expect(previousWindow(window)).toEqual({ from: '2026-01-30T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(defaultWindow(new Date('2026-03-31T00:00:00.000Z'))).toEqual(window);
  });
});

describe('net promoter score', () => {
  it('counts only the latest answer of each member', () => {
    const answers: NpsAnswerFact[] = [
      { memberId: 'm', score: 10, answeredAt: '2026-01-01T00:00:00.000Z', answerId: 'x' },
      { memberId: 'm', score: 0, answeredAt: '2026-01-02T00:00:00.000Z', answerId: 'y' },
      { memberId: 'n', score: 9, answeredAt: '2026-01-01T00:00:00.000Z', answerId: 'z' },
    ];
    expect(netPromoterScore(answers)).toEqual({ nps: 0, responses: 2 });
  });

  it('ranges from −100 (all detractors) to 100 (all promoters)', () => {
    const all = (score: number) => [{ memberId: 'a', score, answeredAt: '2026-01-01T00:00:00.000Z', answerId: '1' }];
    expect(netPromoterScore(all(6)).nps).toBe(-100);
    expect(netPromoterScore(all(9)).nps).toBe(100);
    expect(netPromoterScore(all(7)).nps).toBe(0);
  });
});

describe('running totals', () => {
  const entries = [
    { type: 'bonus' as const, points: 100 },
    { type: 'earn' as const, points: 50 },
    { type: 'cashback' as const, points: 0, cashback: 300 },
    { type: 'redeem' as const, points: -120 },
    { type: 'refund' as const, points: -20, cashback: -100 },
    { type: 'cashback-redeem' as const, points: 0, cashback: -50 },
    { type: 'expiry' as const, points: -5 },
  ];

  it('counts credits as issued, redemptions as redeemed, and every movement in what is owed', () => {
    expect(advanceTotals(emptyTotals, { enrolments: 2, entries })).toEqual({
      ...emptyTotals,
      membersTotal: 2,
      pointsIssued: 150,
      pointsRedeemed: 120,
      pointsOutstanding: 5,
      cashbackOutstanding: 150,
    });
  });

  it('gives the same totals however the recorded history is cut into runs', () => {
    const once = advanceTotals(emptyTotals, { enrolments: 3, entries });
    const inTwo = advanceTotals(advanceTotals(emptyTotals, { enrolments: 1, entries: entries.slice(0, 3) }), {
      enrolments: 2,
      entries: entries.slice(3),
    });
    expect(inTwo).toEqual(once);
  });

  it('replaces what a member contributed before: a second purchase makes a repeat customer, not a second customer', () => {
    const first = purchaserContribution({
      count: 1,
      firstAt: '2026-01-01T00:00:00.000Z',
      lastAt: '2026-01-01T00:00:00.000Z',
    });
    const second = purchaserContribution({
      count: 2,
      firstAt: '2026-01-01T00:00:00.000Z',
      lastAt: '2026-01-11T00:00:00.000Z',
    });
    const afterFirst = advanceTotals(emptyTotals, { contributionChanges: [{ before: undefined, after: first }] });
    const afterSecond = advanceTotals(afterFirst, { contributionChanges: [{ before: first, after: second }] });
    expect(afterSecond).toMatchObject({ purchasers: 1, repeatPurchasers: 1, repeatLifespanSeconds: 10 * 86_400 });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  boostsAt,
  campaignBonus,
  campaignRunsAt,
  campaignsForEntry,
  liveBoosts,
  owedCampaigns,
  owedCampaignsRule,
  timesApplied,
  withCampaignApplied,
  withCampaignsOwed,
  type CampaignEffect,
  type CampaignState,
} from '@shared/domain/campaigns';
import { orderBasket, planBasketRefund } from '@shared/domain/basket-order';
import { earnBasis, multiplierExtra, pointsForBasket, pointsForPurchase } from '@shared/domain/earn';
import { newOrder, type OrderState } from '@shared/domain/order';
import { newMember, type MemberState } from '@shared/domain/member';
import { DAY_MS } from '@shared/domain/time';
import { ProgramRules } from '@shared/schemas/program';
import { eur } from '../support/money';

const now = new Date('2026-06-15T12:00:00.000Z');

function campaign(campaignId: string, overrides: Partial<CampaignState> = {}): CampaignState {
  return {
    campaignId,
    name: campaignId,
    segmentId: 'lapsed',
    startsAt: '2026-06-01T00:00:00.000Z',
    effect: { type: 'bonus', points: 100 },
    limits: { perMember: 1 },
    updatedAt: '2026-06-01T00:00:00.000Z',
    revision: 1,
    ...overrides,
  };
}

function member(): MemberState {
  return newMember({
    memberId: 'm1',
    referralCode: 'ABCDEFGH',
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: {},
    consent: { marketing: true, analytics: false },
  });
}

const program = ProgramRules.parse({
  currency: 'EUR',
  earn: { pointsPerUnit: 1 },
  tiers: [
    {
      id: 'member',
      name: 'Member',
      minQualifyingSpend: eur(0),
      pointsMultiplier: 1.5,
      cashbackRate: 0,
      discountRate: 0,
    },
  ],
  bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
});

describe('campaigns for an entry', () => {
  it('applies the campaigns of the entered segments that run now, in campaignId order', () => {
    const campaigns = [
      campaign('b'),
      campaign('a'),
      campaign('other-segment', { segmentId: 'vip' }),
      campaign('not-yet', { startsAt: '2026-07-01T00:00:00.000Z' }),
      campaign('ended', { endsAt: now.toISOString() }),
    ];
    expect(campaignsForEntry(campaigns, ['lapsed'], member(), now).map((c) => c.campaignId)).toEqual(['a', 'b']);
    expect(campaignsForEntry(campaigns, [], member(), now)).toEqual([]);
  });

  it('judges the window with startsAt inclusive and endsAt exclusive', () => {
    const window = { startsAt: '2026-06-15T12:00:00.000Z', endsAt: '2026-06-16T12:00:00.000Z' };
    expect(campaignRunsAt(window, new Date('2026-06-15T11:59:59.999Z'))).toBe(false);
    expect(campaignRunsAt(window, new Date(window.startsAt))).toBe(true);
    expect(campaignRunsAt(window, new Date('2026-06-16T12:00:00.000Z'))).toBe(false);
    expect(campaignRunsAt({ startsAt: window.startsAt }, new Date('2100-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('stops applying a campaign once it applied perMember times', () => {
    const known = new Set(['twice']);
    const twice = campaign('twice', { limits: { perMember: 2 } });
    let state = member();
    state = withCampaignApplied(state, twice, now, known);
    expect(campaignsForEntry([twice], ['lapsed'], state, now)).toHaveLength(1);
    state = withCampaignApplied(state, twice, now, known);
    expect(timesApplied(state, 'twice')).toBe(2);
    expect(campaignsForEntry([twice], ['lapsed'], state, now)).toEqual([]);
  });

  it('forgets the counts of campaigns that no longer exist', () => {
    const state = withCampaignApplied(member(), campaign('gone'), now, new Set(['gone']));
    const next = withCampaignApplied(state, campaign('kept'), now, new Set(['kept']));
    expect(next.campaigns?.applied).toEqual({ kept: 1 });
  });
});

describe('campaign effects', () => {
  it('gives a bonus as a bonus entry whose breakdown names the campaign', () => {
    expect(campaignBonus(campaign('welcome-back'))).toEqual({
      type: 'bonus',
      points: 100,
      breakdown: [{ rule: 'campaign:welcome-back', points: 100 }],
    });
    expect(campaignBonus(campaign('code', { effect: { type: 'reward', rewardId: 'coffee' } }))).toBeUndefined();
  });

  it('boosts purchases that occur in the next `days` days, from the entry on', () => {
    const boost = campaign('triple', { effect: { type: 'multiplier', factor: 3, days: 30 } });
    const state = withCampaignApplied(member(), boost, now, new Set(['triple']));
    expect(state.campaigns?.boosts).toEqual([
      { campaignId: 'triple', factor: 3, from: now.toISOString(), until: '2026-07-15T12:00:00.000Z' },
    ]);
    expect(boostsAt(state, '2026-06-15T11:59:59.999Z')).toEqual([]);
    expect(boostsAt(state, now.toISOString())).toEqual([{ campaignId: 'triple', factor: 3 }]);
    expect(boostsAt(state, '2026-07-15T11:59:59.999Z')).toEqual([{ campaignId: 'triple', factor: 3 }]);
    expect(boostsAt(state, '2026-07-15T12:00:00.000Z')).toEqual([]);
  });

  it('adds base × (factor − 1), rounded down, as the line campaign:<id>, beside the tier and never compounding', () => {
    const boosted = withCampaignApplied(
      member(),
      campaign('triple', { effect: { type: 'multiplier', factor: 3, days: 30 } }),
      now,
      new Set(['triple']),
    );
    const earned = pointsForPurchase(
      program,
      boosted,
      { orderId: 'o1', amount: eur(10_150), occurredAt: now.toISOString() },
      now,
    );
    expect(earned.breakdown).toEqual([
      { rule: 'base', points: 101 },
      { rule: 'tier:member', points: 50 },
      { rule: 'campaign:triple', points: 202 },
    ]);
    expect(earned.points).toBe(353);
    const later = pointsForPurchase(
      program,
      boosted,
      { orderId: 'o2', amount: eur(10_150), occurredAt: '2026-07-15T12:00:00.000Z' },
      new Date('2026-07-15T12:00:00.000Z'),
    );
    expect(later.breakdown.map((line) => line.rule)).toEqual(['base', 'tier:member']);
  });

  it('keeps a boost while a late purchase could still be reported inside it', () => {
    const boosts = [
      { campaignId: 'x', factor: 2, from: '2026-01-01T00:00:00.000Z', until: '2026-02-01T00:00:00.000Z' },
    ];
    expect(liveBoosts(boosts, new Date(Date.parse('2026-02-01T00:00:00.000Z') + 89 * DAY_MS))).toHaveLength(1);
    expect(liveBoosts(boosts, new Date(Date.parse('2026-02-01T00:00:00.000Z') + 90 * DAY_MS))).toEqual([]);
  });
});

describe('a boosted order refunded', () => {
  it('recomputes the campaign line with the boost the order earned with, even after the boost ended', () => {
    const boosted = withCampaignApplied(
      member(),
      campaign('triple', { effect: { type: 'multiplier', factor: 3, days: 1 } }),
      now,
      new Set(['triple']),
    );
    const basket = {
      amount: 4000,
      occurredAt: now.toISOString(),
      lines: [
        { lineId: 'l1', sku: 'shirt', quantity: 1, amount: 3000 },
        { lineId: 'l2', sku: 'socks', quantity: 1, amount: 1000 },
      ],
    };
    const basis = earnBasis(program, boosted, now.toISOString(), now);
    const share = { num: 1, den: 1 };
    const earned = pointsForBasket(program, basis, basket, share);
    expect(earned.breakdown).toContainEqual({ rule: 'campaign:triple', points: 80 });
    const order: OrderState & { basket: NonNullable<OrderState['basket']> } = {
      ...newOrder('m1', 'o1', eur(4000), now.toISOString(), now),
      points: { earned: earned.points, reversed: 0 },
      basket: orderBasket({ programVersion: 1, basket, share, basis, earned, draws: new Map(), timeZone: 'UTC' }),
    };
    // Ten days later the boost is over; the refund of the socks still judges the order by its own earn.
    const later = new Date(now.getTime() + 10 * DAY_MS);
    const plan = planBasketRefund(program, member(), order, { lines: [{ lineId: 'l2', quantity: 1 }] }, later);
    expect(plan.movements).toEqual([
      {
        type: 'refund',
        orderId: 'o1',
        amount: 1000,
        points: -35,
        breakdown: [
          { rule: 'base', points: -10 },
          { rule: 'tier:member', points: -5 },
          { rule: 'campaign:triple', points: -20 },
        ],
      },
    ]);
  });
});

describe('campaign properties', () => {
  const effect: fc.Arbitrary<CampaignEffect> = fc.oneof(
    fc.record({ type: fc.constant('bonus' as const), points: fc.integer({ min: 1, max: 1_000_000 }) }),
    fc.record({
      type: fc.constant('multiplier' as const),
      factor: fc.integer({ min: 101, max: 1000 }).map((hundredths) => hundredths / 100),
      days: fc.integer({ min: 1, max: 365 }),
    }),
  );

  it('never applies a campaign more than perMember times, however often the member enters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        effect,
        fc.array(fc.integer({ min: 0, max: 400 * DAY_MS }), { maxLength: 12 }),
        (perMember, campaignEffect, offsets) => {
          const subject = campaign('c', { effect: campaignEffect, limits: { perMember } });
          let state = member();
          let applied = 0;
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const at = new Date(Date.parse(subject.startsAt) + offset);
            for (const due of campaignsForEntry([subject], ['lapsed'], state, at)) {
              state = withCampaignApplied(state, due, at, new Set(['c']));
              applied += 1;
            }
          }
          expect(applied).toBe(Math.min(perMember, offsets.length));
          expect(timesApplied(state, 'c')).toBe(applied);
          expect((state.campaigns?.boosts ?? []).length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('a boost adds exactly multiplierExtra(base, factor), never more than base × (factor − 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 101, max: 1000 }),
        (amount, hundredths) => {
          const factor = hundredths / 100;
          const boosted = withCampaignApplied(
            member(),
            campaign('m', { effect: { type: 'multiplier', factor, days: 1 } }),
            now,
            new Set(['m']),
          );
          const earned = pointsForPurchase(
            program,
            boosted,
            { orderId: 'o', amount: eur(amount), occurredAt: now.toISOString() },
            now,
          );
          const base = earned.breakdown.find((line) => line.rule === 'base')?.points ?? 0;
          const extra = earned.breakdown.find((line) => line.rule === 'campaign:m')?.points ?? 0;
          expect(extra).toBe(multiplierExtra(base, factor));
          expect(extra * 100).toBeLessThanOrEqual(base * (hundredths - 100));
          expect(extra * 100).toBeGreaterThan(base * (hundredths - 100) - 100);
          expect(earned.points).toBe(earned.breakdown.reduce((sum, line) => sum + line.points, 0));
        },
      ),
    );
  });
});

describe('owed campaigns (an entry whose campaigns did not fit its transaction)', () => {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();

  it('are applied in the order earned, each at most up to perMember counting what applied meanwhile', () => {
    const twice = campaign('b-twice', { limits: { perMember: 2 } });
    const once = campaign('a-once');
    let owing = withCampaignsOwed(member(), [
      { campaignId: 'b-twice', enteredAt: at(0) },
      { campaignId: 'a-once', enteredAt: at(1) },
      { campaignId: 'b-twice', enteredAt: at(2) },
      { campaignId: 'b-twice', enteredAt: at(3) },
      { campaignId: 'deleted', enteredAt: at(4) },
    ]);
    expect(
      owedCampaigns(owing, [once, twice]).map(({ campaign, enteredAt }) => [
        campaign.campaignId,
        enteredAt.toISOString(),
      ]),
    ).toEqual([
      ['b-twice', at(0)],
      ['a-once', at(1)],
      ['b-twice', at(2)],
    ]);
    // Applied once meanwhile: one more is owed of b-twice.
    owing = withCampaignApplied(owing, twice, now, new Set(['a-once', 'b-twice']));
    expect(owedCampaigns(owing, [once, twice]).map(({ campaign }) => campaign.campaignId)).toEqual([
      'b-twice',
      'a-once',
    ]);
  });

  it('stay on the member through an application, and the time rule is due from the earliest', () => {
    const owing = withCampaignsOwed(member(), [
      { campaignId: 'x', enteredAt: at(2) },
      { campaignId: 'y', enteredAt: at(1) },
    ]);
    const applied = withCampaignApplied(
      owing,
      campaign('z', { effect: { type: 'multiplier', factor: 2, days: 3 } }),
      now,
      new Set(['z']),
    );
    expect(applied.campaigns?.owed).toEqual(owing.campaigns?.owed);
    expect(owedCampaignsRule.dueAt(applied)).toBe(at(1));
    expect(owedCampaignsRule.dueAt(member())).toBeUndefined();
    expect(withCampaignsOwed(applied, []).campaigns).toEqual({ applied: { z: 1 }, boosts: applied.campaigns?.boosts });
  });

  it('the time rule asks for a pass while any is owed, and changes nothing itself', () => {
    const owing = withCampaignsOwed(member(), [{ campaignId: 'x', enteredAt: at(0) }]);
    const input = { program: { ...program, version: 1, updatedAt: now.toISOString() }, now, book: undefined };
    expect(owedCampaignsRule.apply({ ...input, member: owing })).toEqual({
      member: owing,
      movements: [],
      events: [],
      more: true,
    });
    expect(owedCampaignsRule.apply({ ...input, member: member() })).toBeUndefined();
  });

  it('never lose or duplicate what is owed: applied + still owed = earned (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 12 }),
        fc.integer({ min: 0, max: 12 }),
        (earned, applyFirst) => {
          const campaigns = ['a', 'b', 'c'].map((id) => campaign(id, { limits: { perMember: 20 } }));
          let state = withCampaignsOwed(
            member(),
            earned.map((campaignId, i) => ({ campaignId, enteredAt: at(i) })),
          );
          const due = owedCampaigns(state, campaigns);
          const applied = due.slice(0, applyFirst);
          for (const { campaign: applying } of applied)
            state = withCampaignApplied(state, applying, now, new Set(['a', 'b', 'c']));
          state = withCampaignsOwed(
            state,
            due
              .slice(applyFirst)
              .map(({ campaign: c, enteredAt }) => ({ campaignId: c.campaignId, enteredAt: enteredAt.toISOString() })),
          );
          const total = (id: string) =>
            timesApplied(state, id) + (state.campaigns?.owed ?? []).filter((o) => o.campaignId === id).length;
          for (const id of ['a', 'b', 'c']) expect(total(id)).toBe(earned.filter((e) => e === id).length);
        },
      ),
    );
  });
});

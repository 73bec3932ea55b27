import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { qualifyingSpend, recordSpend, tierBeforePurchase, tierChange, tierFor, tierRank } from '@shared/domain/tiers';
import { defaultProgram } from '@infra/config/default-program';

const now = new Date('2026-06-15T12:00:00.000Z');
const purchases = (spendByDay: Record<string, number>) => ({ purchases: { count: 0, spendByDay } });

describe('tiers', () => {
  it('puts a member in the highest tier whose threshold the spend reaches, and says what the next one needs', () => {
    expect(tierFor(defaultProgram, 0)).toMatchObject({ tier: { id: 'member' }, next: { id: 'silver' } });
    expect(tierFor(defaultProgram, 49_999).tier.id).toBe('member');
    expect(tierFor(defaultProgram, 50_000)).toMatchObject({ tier: { id: 'silver' }, next: { id: 'gold' } });
    const top = tierFor(defaultProgram, 10_000_000);
    expect(top.tier.id).toBe('gold');
    expect(top.next).toBeUndefined();
  });

  it('counts qualifying spend over the 365 days ending today, net of refunds', () => {
    const member = purchases({ '2025-06-15': 1_000, '2025-06-16': 2_000, '2026-06-15': 300, '2026-06-16': 99 });
    expect(qualifyingSpend(member, now)).toBe(2_300);
    expect(qualifyingSpend(purchases({ '2026-06-01': 5_000, '2026-06-02': -6_000 }), now)).toBe(0);
  });

  it('drops a tier as old purchases leave the window', () => {
    const member = purchases({ '2025-07-01': 60_000 });
    expect(tierFor(defaultProgram, qualifyingSpend(member, new Date('2026-06-30T23:59:59.000Z'))).tier.id).toBe(
      'silver',
    );
    expect(tierFor(defaultProgram, qualifyingSpend(member, new Date('2026-07-01T00:00:00.000Z'))).tier.id).toBe(
      'member',
    );
  });

  it('records spend on the purchase day, removes it on refund, and forgets days outside the window', () => {
    let spend = recordSpend({ '2025-01-01': 10 }, '2026-06-01T10:00:00.000Z', 5_000, now);
    expect(spend).toEqual({ '2026-06-01': 5_000 });
    spend = recordSpend(spend, '2026-06-01T18:00:00.000Z', -2_000, now);
    expect(spend).toEqual({ '2026-06-01': 3_000 });
  });

  it('judges a purchase by the tier held before it, leaving out an order already recorded', () => {
    const member = purchases({ '2026-06-01': 45_000, '2026-06-15': 10_000 });
    expect(tierBeforePurchase(defaultProgram, member, undefined, now).id).toBe('silver');
    expect(
      tierBeforePurchase(
        defaultProgram,
        member,
        { occurredAt: '2026-06-15T09:00:00.000Z', amount: 10_000, refunded: 0 },
        now,
      ).id,
    ).toBe('member');
  });

  it('ranks tiers by their place in the program', () => {
    expect(tierRank(defaultProgram, 'member')).toBe(0);
    expect(tierRank(defaultProgram, 'gold')).toBe(2);
    expect(tierRank(defaultProgram, 'platinum')).toBe(-1);
  });

  it('never lowers the tier when spend grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(tierRank(defaultProgram, tierFor(defaultProgram, high).tier.id)).toBeGreaterThanOrEqual(
          tierRank(defaultProgram, tierFor(defaultProgram, low).tier.id),
        );
      }),
    );
  });
});

describe('tierChange', () => {
  it('is undefined when the tier stays, and says from, to and the direction when it moves', () => {
    const before = purchases({ '2026-06-01': 40_000 });
    expect(tierChange(defaultProgram, before, purchases({ '2026-06-01': 49_999 }), now)).toBeUndefined();
    expect(tierChange(defaultProgram, before, purchases({ '2026-06-01': 250_000 }), now)).toEqual({
      from: 'member',
      to: 'gold',
      direction: 'up',
    });
    expect(tierChange(defaultProgram, purchases({ '2026-06-01': 60_000 }), before, now)).toEqual({
      from: 'silver',
      to: 'member',
      direction: 'down',
    });
  });

  it('agrees with tierFor on both sides, for any spend (property)', () => {
    fc.assert(
      fc.property(fc.nat(400_000), fc.nat(400_000), (a, b) => {
        const change = tierChange(defaultProgram, purchases({ '2026-06-01': a }), purchases({ '2026-06-01': b }), now);
        const from = tierFor(defaultProgram, a).tier.id;
        const to = tierFor(defaultProgram, b).tier.id;
        if (from === to) return change === undefined;
        const up = tierRank(defaultProgram, to) > tierRank(defaultProgram, from);
        return change?.from === from && change.to === to && change.direction === (up ? 'up' : 'down');
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { evaluateRules, WHOLE, type Basket, type RuleGate } from '@shared/domain/basket-rules';
import type { Rule } from '@shared/schemas/rules';

/** The `reward` effect (a gift) in the pure evaluation: it applies with 0 points, claims lines, and no budget stops it. */
const basket: Basket = {
  amount: 5000,
  occurredAt: '2026-06-15T10:30:00.000Z',
  lines: [
    { lineId: '1', sku: 'tee', quantity: 2, amount: 3000 },
    { lineId: '2', sku: 'mug', quantity: 1, amount: 2000 },
  ],
};
const gate = (overrides: Partial<RuleGate> = {}): RuleGate => ({
  timeZone: 'UTC',
  tierId: 'member',
  firstPurchase: false,
  inSegment: () => false,
  pointsPerUnit: 1,
  minorPerMajor: 100,
  share: WHOLE,
  allowed: () => true,
  cap: () => undefined,
  ...overrides,
});
const gift: Rule = {
  id: 'gift',
  name: 'Gift',
  lines: { skus: ['tee'] },
  when: { minQuantity: 2 },
  effect: { type: 'reward', rewardId: 'mug-voucher' },
};

describe('a gift rule', () => {
  it('applies with 0 points and the lines it counted when its conditions hold', () => {
    const { applied } = evaluateRules([gift], undefined, basket, gate());
    expect(applied.map(({ rule, points, lineIds }) => ({ id: rule.id, points, lineIds }))).toEqual([
      { id: 'gift', points: 0, lineIds: ['1'] },
    ]);
  });

  it('is a near miss, not applied, when the basket lacks its minimum', () => {
    const one = { ...basket, lines: [{ lineId: '1', sku: 'tee', quantity: 1, amount: 1500 }], amount: 1500 };
    const { applied, nearMisses } = evaluateRules([gift], undefined, one, gate());
    expect(applied).toEqual([]);
    expect(nearMisses.map((miss) => [miss.rule.id, miss.missing])).toEqual([['gift', { quantity: 1 }]]);
  });

  it('is not stopped by a spent points budget, and respects per-member limits', () => {
    expect(evaluateRules([gift], undefined, basket, gate({ cap: () => 0 })).applied).toHaveLength(1);
    expect(evaluateRules([gift], undefined, basket, gate({ allowed: () => false })).applied).toEqual([]);
  });

  it('claims its lines when exclusive: a lower multiplier no longer counts them', () => {
    const exclusiveGift: Rule = { ...gift, exclusive: true, priority: 10 };
    const double: Rule = { id: 'x2', name: 'Double', effect: { type: 'multiplier', factor: 2 } };
    const { applied } = evaluateRules([double, exclusiveGift], undefined, basket, gate());
    expect(applied.map(({ rule, points, lineIds }) => ({ id: rule.id, points, lineIds }))).toEqual([
      { id: 'gift', points: 0, lineIds: ['1'] },
      { id: 'x2', points: 20, lineIds: ['2'] },
    ]);
  });
});

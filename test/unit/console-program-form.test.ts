import { describe, expect, it } from 'vitest';
import {
  basisPointsToPercent,
  diffPrograms,
  fromForm,
  percentToBasisPoints,
  ruleConditionErrors,
  toForm,
  type Rules,
} from '@shared/console/app/program-form';
import { minorToMajor } from '@shared/console/app/format';

/** A program with every field the console's form edits, and one it does not (earn.exclude). */
const program: Rules = {
  currency: 'EUR',
  timezone: 'Europe/Paris',
  earn: { pointsPerUnit: 10, holdDays: 14, exclude: { tenders: ['giftCard'] } },
  tiers: [
    {
      id: 'member',
      name: 'Member',
      minQualifyingSpend: { value: 0, currency: 'EUR' },
      pointsMultiplier: 1,
      cashbackRate: 0,
      discountRate: 0,
    },
    {
      id: 'gold',
      name: 'Gold',
      minQualifyingSpend: { value: 100_000_000_000, currency: 'EUR' },
      pointsMultiplier: 1.25,
      cashbackRate: 155,
      discountRate: 10_000,
    },
  ],
  promotions: [
    {
      id: 'double',
      name: 'Double',
      startsAt: '2026-12-01T00:00:00.000Z',
      endsAt: '2027-01-01T00:00:30.000Z',
      pointsMultiplier: 2,
    },
  ],
  rules: [
    {
      id: 'coffee',
      name: 'Coffee x2',
      priority: 5,
      exclusive: true,
      lines: { categories: ['coffee'] },
      when: { channels: ['pos'], minQuantity: 3 },
      effect: { type: 'multiplier', factor: 2 },
      limits: { perMember: { count: 1, period: 'week' } },
    },
    {
      id: 'every-condition',
      name: 'Every condition',
      lines: { skus: ['sku-1', 'sku-2'], categories: ['tea', 'cakes'] },
      when: {
        channels: ['app', 'web'],
        stores: ['paris-1'],
        daysOfWeek: [1, 3, 5],
        localTime: { from: '07:30', to: '10:00' },
        firstPurchase: true,
        tiers: ['gold'],
        segments: ['lapsed'],
        minAmount: { value: 100_000_000_001, currency: 'EUR' },
        minQuantity: 5_000_000,
      },
      effect: { type: 'pointsPerUnit', points: 3 },
      limits: { perMember: { count: 1_000_000, period: 'lifetime' }, budgetPoints: 1_000_000_000_000 },
    },
  ],
  bonuses: {
    signup: 100,
    referrer: 250,
    referee: 100,
    birthday: 200,
    spendThreshold: { amount: { value: 10_001, currency: 'EUR' }, points: 50 },
  },
  cashback: { holdDays: 0 },
  expiry: { afterMonths: 12, roundTo: 'month' },
};

describe("the console's program form", () => {
  it('moves the decimal point of money and rates as text, exactly, for the largest amounts', () => {
    expect(minorToMajor(100_000_000_000, 'EUR')).toBe('1000000000.00');
    expect(minorToMajor(5, 'EUR')).toBe('0.05');
    expect(minorToMajor(-1234, 'EUR')).toBe('-12.34');
    expect(minorToMajor(1234, 'JPY')).toBe('1234');
    expect(basisPointsToPercent(155)).toBe('1.55');
    expect(basisPointsToPercent(250)).toBe('2.5');
    expect(basisPointsToPercent(5)).toBe('0.05');
    expect(basisPointsToPercent(10_000)).toBe('100');
    expect(percentToBasisPoints('2.5')).toBe(250);
    expect(percentToBasisPoints('0,05')).toBe(5);
    expect(percentToBasisPoints('2.555')).toBeUndefined();
    expect(percentToBasisPoints('-1')).toBeUndefined();
  });

  it('gives back the very program it was filled from, keys in a fixed order, fields it does not edit kept', () => {
    const read = fromForm(toForm(program), { ...program, version: 3, updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(read.errors).toEqual(new Map());
    expect(read.rules).toEqual(program);
    const reordered = Object.fromEntries(Object.entries(program).reverse());
    expect(Object.keys(fromForm(toForm(reordered), reordered).rules)).toEqual(Object.keys(read.rules));
  });

  it("refuses what it cannot read at the API's own paths, and sends nothing of it", () => {
    const form = toForm(program);
    form.tiers[1] = { ...form.tiers[1]!, minSpend: '12.345', cashbackPercent: 'lots' };
    form.promotions[0] = { ...form.promotions[0]!, startsAt: 'soon' };
    form.rules[0] = { ...form.rules[0]!, timeFrom: '7:30', minAmount: '1.234', limitPeriod: '' };
    const { errors } = fromForm(form, program);
    expect([...errors.keys()]).toEqual([
      'tiers.1.minQualifyingSpend.value',
      'tiers.1.cashbackRate',
      'promotions.0.startsAt',
      'rules.0.when.localTime.from',
      'rules.0.when.localTime.to',
      'rules.0.when.minAmount.value',
      'rules.0.limits.perMember.period',
    ]);
    expect(errors.get('tiers.1.minQualifyingSpend.value')).toContain('EUR with at most 2 decimals');
  });

  it('fills the inputs of a rule with every condition, and keeps what it has no input for', () => {
    const rule = toForm(program).rules[1]!;
    expect(rule).toMatchObject({
      skus: 'sku-1, sku-2',
      categories: 'tea, cakes',
      channels: 'app, web',
      daysOfWeek: [1, 3, 5],
      timeFrom: '07:30',
      timeTo: '10:00',
      firstPurchase: true,
      tiers: ['gold'],
      minAmount: '1000000000.01',
      minQuantity: '5000000',
      limitCount: '1000000',
      limitPeriod: 'lifetime',
      budgetPoints: '1000000000000',
      kept: { lines: {}, when: { segments: ['lapsed'] }, limits: {} },
    });
    const edited = toForm(program);
    edited.rules[1] = { ...rule, skus: ' , ', categories: 'tea,', daysOfWeek: [], timeFrom: '', timeTo: '' };
    const saved = (fromForm(edited, program).rules.rules as Rules[])[1]!;
    expect(saved.lines).toEqual({ categories: ['tea'] });
    expect(saved.when).not.toHaveProperty('daysOfWeek');
    expect(saved.when).not.toHaveProperty('localTime');
    expect((saved.when as Rules).segments).toEqual(['lapsed']);
  });

  it("shows a server's error about a rule's condition at the input that edits it", () => {
    const errors = new Map([
      ['rules.1.when.tiers.0', 'unknown tier "platinum"'],
      ['rules.1.when.minAmount.currency', 'must be EUR'],
      ['rules.1.when.localTime.from', 'must be before to'],
      ['rules.1.when.segments.0', 'unknown segment "lapsed"'],
      ['rules.10.when.stores', 'not this rule'],
      ['rules.1.effect.points', 'not a condition'],
    ]);
    const { byField, other } = ruleConditionErrors(errors, 'rules.1');
    expect(byField).toEqual(
      new Map([
        ['rules.1.when.tiers', 'unknown tier "platinum"'],
        ['rules.1.when.minAmount.value', 'must be EUR'],
        ['rules.1.when.localTime.from', 'must be before to'],
      ]),
    );
    expect(other).toEqual([['when.segments.0', 'unknown segment "lapsed"']]);
  });

  it('diffs two versions by field, whatever the order of their keys; money is one field', () => {
    const changed = structuredClone(program);
    (changed.tiers as Rules[])[1]!.minQualifyingSpend = { value: 60_000, currency: 'EUR' };
    changed.promotions = [];
    const reordered = Object.fromEntries(Object.entries(changed).reverse());
    expect(diffPrograms(program, reordered).map((d) => d.path)).toEqual([
      'tiers.1.minQualifyingSpend',
      'promotions.0.id',
      'promotions.0.name',
      'promotions.0.startsAt',
      'promotions.0.endsAt',
      'promotions.0.pointsMultiplier',
    ]);
    expect(diffPrograms(program, { ...program, version: 9 })).toEqual([]);
  });
});

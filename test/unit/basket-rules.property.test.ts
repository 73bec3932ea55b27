import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { orderBasket, planBasketRefund } from '@shared/domain/basket-order';
import { paidShare, type Basket, type PurchaseLine, type PurchaseTender } from '@shared/domain/basket-rules';
import { pointsForBasket, type EarnBasis } from '@shared/domain/earn';
import { newMember } from '@shared/domain/member';
import { newOrder, type OrderState } from '@shared/domain/order';
import { ProgramRules } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import { eur } from '../support/money';

const SKUS = ['apple', 'pear', 'shirt', 'gift-card', 'milk'];
const CATEGORIES = ['fruit', 'clothes', 'dairy', 'gifts'];
const now = new Date('2026-06-15T12:00:00.000Z');
const occurredAt = '2026-06-15T10:30:00.000Z';

const ruleArb: fc.Arbitrary<Omit<Rule, 'id'>> = fc.record(
  {
    name: fc.constant('rule'),
    priority: fc.integer({ min: -2, max: 2 }),
    exclusive: fc.boolean(),
    lines: fc.option(
      fc.record(
        {
          skus: fc.subarray(SKUS, { minLength: 1 }),
          categories: fc.subarray(CATEGORIES, { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    when: fc.option(
      fc.record(
        {
          minAmount: fc.integer({ min: 0, max: 8000 }).map((value) => eur(value)),
          minQuantity: fc.integer({ min: 1, max: 6 }),
          channels: fc.constant(['app']),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    effect: fc.oneof(
      fc
        .integer({ min: 101, max: 1000 })
        .map((hundredths) => ({ type: 'multiplier' as const, factor: hundredths / 100 })),
      fc.integer({ min: 1, max: 50 }).map((points) => ({ type: 'pointsPerUnit' as const, points })),
      fc.integer({ min: 1, max: 500 }).map((points) => ({ type: 'bonus' as const, points })),
    ),
  },
  { requiredKeys: ['name', 'effect'] },
);

const rulesArb = fc
  .array(ruleArb, { maxLength: 6 })
  .map((rules) => rules.map((rule, index) => ({ ...rule, id: `r${index}` })));

const lineArb = fc.record({
  sku: fc.constantFrom(...SKUS),
  categories: fc.subarray(CATEGORIES, { maxLength: 2 }),
  quantity: fc.integer({ min: 1, max: 6 }),
  amount: fc.integer({ min: 0, max: 5000 }),
});
const linesArb = fc
  .array(lineArb, { minLength: 1, maxLength: 8 })
  .map((lines) => lines.map((line, index): PurchaseLine => ({ ...line, lineId: `l${index}` })))
  .filter((lines) => lines.reduce((sum, line) => sum + line.amount, 0) > 0);

const excludeArb = fc.record(
  {
    skus: fc.constant<string[]>(['gift-card']),
    categories: fc.subarray(['gifts'], { minLength: 1 }),
    tenders: fc.constant<'giftCard'[]>(['giftCard']),
  },
  { requiredKeys: [] },
);

function programWith(rules: Rule[], exclude?: ProgramRules['earn']['exclude']): ProgramRules {
  return ProgramRules.parse({
    currency: 'EUR',
    earn: { pointsPerUnit: 3, ...(exclude ? { exclude } : {}) },
    tiers: [
      {
        id: 'member',
        name: 'Member',
        minQualifyingSpend: eur(0),
        pointsMultiplier: 1,
        cashbackRate: 0,
        discountRate: 0,
      },
    ],
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0, spendThreshold: { amount: eur(4000), points: 7 } },
    // Exclusive rules of one priority are refused by the schema: the property tests judge the evaluation itself.
    rules: rules.map((rule) => ({ ...rule, exclusive: false })),
  });
}

const basis = (program: ProgramRules): EarnBasis => ({
  tier:
    program.tiers[0] ??
    (() => {
      throw new Error('no tier');
    })(),
  firstPurchase: false,
});

const basketOf = (lines: PurchaseLine[], channel?: string): Basket => ({
  amount: lines.reduce((sum, line) => sum + line.amount, 0),
  occurredAt,
  lines,
  ...(channel ? { channel } : {}),
});

/** A tender split of the order: part (up to all) with a gift card, the rest by card. */
const tendersOf = (amount: number, giftCardPart: number): PurchaseTender[] => {
  const gift = Math.min(amount, giftCardPart);
  return [
    ...(gift > 0 ? [{ type: 'giftCard', amount: gift }] : []),
    ...(amount - gift > 0 ? [{ type: 'card', amount: amount - gift }] : []),
  ];
};

function earn(program: ProgramRules, basket: Basket, tenders: PurchaseTender[] = []) {
  const share = paidShare(program.earn.exclude, basket, tenders);
  return { share, earned: pointsForBasket(program, basis(program), basket, share) };
}

const byRule = (breakdown: { rule: string; points: number }[]) =>
  Object.fromEntries(breakdown.map((line) => [line.rule, line.points]));

// Exclusive claims are part of the evaluation: keep some rules exclusive (distinct priorities).
function withExclusives(rules: Rule[]): Rule[] {
  return rules.map((rule, index) => (index % 2 === 0 ? { ...rule, exclusive: true, priority: 10 * index } : rule));
}
function programWithExclusives(rules: Rule[], exclude?: ProgramRules['earn']['exclude']): ProgramRules {
  const program = programWith(rules, exclude);
  return { ...program, rules: withExclusives(rules) };
}

describe('basket rules (properties)', () => {
  it('splitting a line in two never changes the points', () => {
    fc.assert(
      fc.property(
        rulesArb,
        linesArb,
        excludeArb,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(undefined, 'app'),
        (rules, lines, exclude, pick, unitsCut, amountCut, channel) => {
          const program = programWithExclusives(rules, exclude);
          const splittable = lines.filter((line) => line.quantity >= 2);
          fc.pre(splittable.length > 0);
          const line = splittable[pick % splittable.length] as PurchaseLine;
          const firstUnits = 1 + (unitsCut % (line.quantity - 1));
          const firstAmount = amountCut % (line.amount + 1);
          const split = lines.flatMap((candidate) =>
            candidate === line
              ? [
                  { ...line, quantity: firstUnits, amount: firstAmount },
                  {
                    ...line,
                    lineId: `${line.lineId}-b`,
                    quantity: line.quantity - firstUnits,
                    amount: line.amount - firstAmount,
                  },
                ]
              : [candidate],
          );
          const whole = earn(program, basketOf(lines, channel)).earned;
          const parts = earn(program, basketOf(split, channel)).earned;
          expect(parts.points).toBe(whole.points);
          expect(byRule(parts.breakdown)).toEqual(byRule(whole.breakdown));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adding an excluded line never changes the points', () => {
    fc.assert(
      fc.property(
        rulesArb,
        linesArb,
        fc.integer({ min: 1, max: 9000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat({ max: 3000 }),
        (rules, lines, amount, quantity, giftCardPart) => {
          const program = programWithExclusives(rules, { skus: ['gift-card'], tenders: ['giftCard'] });
          const basket = basketOf(lines);
          const withGiftCard = basketOf([...lines, { lineId: 'gc', sku: 'gift-card', quantity, amount }]);
          // The extra line is paid by card: the gift-card tender stays what it was.
          const before = earn(program, basket, tendersOf(basket.amount, giftCardPart)).earned;
          const gift = Math.min(basket.amount, giftCardPart);
          const after = earn(program, withGiftCard, tendersOf(withGiftCard.amount, gift)).earned;
          expect(after.points).toBe(before.points);
          expect(byRule(after.breakdown)).toEqual(byRule(before.breakdown));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('points never depend on the order of the lines, nor on the order the program lists its rules', () => {
    fc.assert(
      fc.property(
        rulesArb,
        linesArb,
        excludeArb,
        fc.nat(),
        fc.constantFrom(undefined, 'app'),
        (rules, lines, exclude, seed, channel) => {
          const program = programWithExclusives(rules, exclude);
          const shuffle = <T>(items: T[]) =>
            items
              .map((item, index) => ({ item, key: (index * 7919 + seed) % 104_729 }))
              .sort((a, b) => a.key - b.key)
              .map(({ item }) => item);
          const reference = earn(program, basketOf(lines, channel)).earned;
          const shuffledLines = earn(program, basketOf(shuffle(lines), channel)).earned;
          const shuffledRules = earn(
            { ...program, rules: shuffle(program.rules ?? []) },
            basketOf(lines, channel),
          ).earned;
          expect(shuffledLines.points).toBe(reference.points);
          expect(byRule(shuffledLines.breakdown)).toEqual(byRule(reference.breakdown));
          // Same rules listed in another order: the same lines, in the same evaluation order (priority, then id).
          expect(shuffledRules.breakdown).toEqual(reference.breakdown);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a refund of everything (by lines or by amount) takes back exactly what the order earned', () => {
    fc.assert(
      fc.property(
        rulesArb,
        linesArb,
        excludeArb,
        fc.nat({ max: 3000 }),
        fc.boolean(),
        fc.nat(),
        (rules, lines, exclude, giftCardPart, byLines, partialCut) => {
          const program = programWithExclusives(rules, exclude);
          const basket = basketOf(lines, 'app');
          const tenders = tendersOf(basket.amount, giftCardPart);
          const { share, earned } = earn(program, basket, tenders);
          const member = newMember({
            memberId: 'm1',
            referralCode: 'ABCDEFGH',
            createdAt: '2026-01-01T00:00:00.000Z',
            profile: {},
            consent: { marketing: false, analytics: false },
          });
          const order: OrderState & { basket: NonNullable<OrderState['basket']> } = {
            ...newOrder('m1', 'o1', eur(basket.amount), occurredAt, now),
            points: { earned: earned.points, reversed: 0 },
            basket: orderBasket({
              programVersion: 1,
              basket,
              share,
              basis: basis(program),
              earned,
              draws: new Map(),
              timeZone: 'UTC',
            }),
          };
          // Optionally a partial refund first (one unit of the first line): the rest then goes back too.
          let current = order;
          let taken = 0;
          const first = lines[partialCut % lines.length] as PurchaseLine;
          if (first.quantity >= 2 && partialCut % 2 === 0) {
            const plan = planBasketRefund(
              program,
              member,
              current,
              { lines: [{ lineId: first.lineId, quantity: 1 }] },
              now,
            );
            taken += -plan.movements.reduce((sum, movement) => sum + movement.points, 0);
            current = plan.order as typeof order;
          }
          const rest = byLines
            ? {
                lines: (current.basket.lines ?? [])
                  .filter((line) => line.quantity > line.refundedQuantity)
                  .map((line) => ({ lineId: line.lineId, quantity: line.quantity - line.refundedQuantity })),
              }
            : { amount: current.amount - current.refunded };
          const plan = planBasketRefund(program, member, current, rest, now);
          taken += -plan.movements.reduce((sum, movement) => sum + movement.points, 0);
          expect(taken).toBe(earned.points);
          expect(plan.order.refunded).toBe(order.amount);
          expect(Object.keys(plan.order.basket?.held ?? {})).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('evaluates by priority, then id, whatever the program lists', () => {
    const rule = (id: string, priority: number): Rule => ({
      id,
      name: id,
      priority,
      effect: { type: 'bonus', points: 1 },
    });
    const program = programWith([rule('b', 0), rule('c', 5), rule('a', 0)]);
    const { earned } = earn(program, basketOf([{ lineId: 'l1', sku: 'apple', quantity: 1, amount: 100 }]));
    expect(earned.breakdown.map((line) => line.rule).filter((name) => name.startsWith('rule:'))).toEqual([
      'rule:c',
      'rule:a',
      'rule:b',
    ]);
  });
});

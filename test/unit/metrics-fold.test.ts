import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeMeasures,
  emptySummary,
  emptyTotals,
  factsOf,
  foldFact,
  measuresOf,
  type MemberOrderFact,
  type NonMemberPurchaseFact,
  type NpsAnswerFact,
  type WindowFact,
} from '@shared/domain/metrics';
import { factLine, parseFactLine } from '@shared/store/items/metrics-digest';

const window = { from: '2026-05-01T00:00:00.000Z', to: '2026-05-31T00:00:00.000Z' };
const start = Date.parse('2026-03-15T00:00:00.000Z');
const end = Date.parse('2026-06-15T00:00:00.000Z');
const time = fc.integer({ min: start, max: end }).map((ms) => new Date(ms).toISOString());
const memberId = fc.constantFrom('ann', 'bob', 'cat', 'dan', 'eve', 'fay');

const orders = fc
  .array(
    fc.record({
      memberId,
      occurredAt: time,
      amount: fc.integer({ min: 0, max: 50_000 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { maxLength: 40 },
  )
  .map((list) =>
    list.map(({ share, ...order }, index): MemberOrderFact => ({
      ...order,
      orderId: `o-${index}`,
      refunded: Math.floor(order.amount * share),
    })),
  );
const purchase = fc.record({ orderId: fc.string(), occurredAt: time, amount: fc.integer({ min: 0, max: 50_000 }) });
const answer = fc.record({
  memberId,
  score: fc.integer({ min: 0, max: 10 }),
  answeredAt: time,
  answerId: fc.string({ minLength: 1, maxLength: 4 }),
});
const firsts = fc.dictionary(memberId, time);

/** Orders split the way the job stores them: the order at its gross amount, each refund as its own fact at the order's time. */
function asRecorded(orders: MemberOrderFact[], first: Record<string, string>): WindowFact[] {
  return orders.flatMap((order) => {
    const firstAt = first[order.memberId] === undefined ? undefined : Date.parse(first[order.memberId] as string);
    const base = {
      kind: 'order' as const,
      memberId: order.memberId,
      occurredAt: Date.parse(order.occurredAt),
      firstAt,
    };
    const facts: WindowFact[] = [{ ...base, amount: order.amount, orders: 1 }];
    if (order.refunded > 0) facts.push({ ...base, amount: -order.refunded, orders: 0 });
    return facts;
  });
}

describe('the window as a fold of facts', () => {
  it('gives the measures of the whole set of facts, whatever their order and however refunds are split off', () => {
    fc.assert(
      fc.property(
        orders,
        fc.array(purchase, { maxLength: 10 }),
        fc.array(answer, { maxLength: 15 }),
        firsts,
        fc.integer(),
        (memberOrders, purchases: NonMemberPurchaseFact[], answers: NpsAnswerFact[], first, seed) => {
          const firstPurchaseAt = new Map(Object.entries(first));
          const inputs = {
            window,
            currency: 'EUR',
            totals: emptyTotals,
            memberOrders,
            nonMemberPurchases: purchases,
            npsAnswers: answers,
            firstPurchaseAt,
          };
          const expected = computeMeasures(inputs);
          const facts = [...asRecorded(memberOrders, first), ...factsOf({ ...inputs, memberOrders: [] })];
          // A shuffle decided by the seed: the job folds steps and pages in whatever order they come.
          const shuffled = facts
            .map((fact, index) => ({ fact, key: Math.imul(index + 1, seed | 1) >>> 0 }))
            .sort((a, b) => a.key - b.key)
            .map(({ fact }) => fact);
          const summary = emptySummary(window);
          for (const fact of shuffled) foldFact(summary, fact);
          expect(measuresOf(summary, inputs)).toEqual(expected);
        },
      ),
    );
  });

  it('keeps each fact exactly through the digest line format', () => {
    const facts: WindowFact[] = [
      {
        kind: 'order',
        memberId: 'mem_01',
        occurredAt: 1_780_000_000_123,
        amount: 4_200,
        orders: 1,
        firstAt: 1_770_000_000_000,
      },
      {
        kind: 'order',
        memberId: 'mem_01',
        occurredAt: 1_780_000_000_123,
        amount: -1_000,
        orders: 0,
        firstAt: undefined,
      },
      { kind: 'purchase', occurredAt: 1_780_000_000_999, amount: 999 },
      { kind: 'nps', memberId: 'mem_02', answeredAt: 1_780_000_001_000, answerId: 'nps_9', score: 7 },
      { kind: 'first', memberId: 'mem_01', firstAt: 1_760_000_000_000 },
    ];
    expect(facts.map((fact) => parseFactLine(factLine(fact)))).toEqual(facts);
    expect(() => factLine({ kind: 'nps', memberId: 'a\tb', answeredAt: 0, answerId: 'x', score: 1 })).toThrow(/tab/);
  });

  it('forgets members seen only outside both windows', () => {
    const summary = emptySummary(window);
    foldFact(summary, { kind: 'order', memberId: 'old', occurredAt: start, amount: 100, orders: 1 });
    foldFact(summary, { kind: 'order', memberId: 'later', occurredAt: end, amount: 100, orders: 1 });
    expect(summary.members.size).toBe(0);
  });
});

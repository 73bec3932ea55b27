import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@shared/domain/errors';
import type { LotRules } from '@shared/domain/lot-rules';
import {
  creditLot,
  effectiveLots,
  newLot,
  planInactivityExpiry,
  planLotExpiry,
  planLotRefund,
  planRedemption,
  pointsTotals,
  type LotBook,
} from '@shared/domain/lots';
import { LotsReference } from '../support/lots-reference';

/*
 * The lazy lot book (owed + watermarks, bounded writes) against an eager reference that writes
 * every lot at every step: after any sequence of earns, redemptions, refunds, expiry runs and
 * clock moves, every lot holds what its own credits minus debits say, and the ledger sums to
 * balance + pending.
 */

const HOUR_MS = 3_600_000;

type Command =
  | { kind: 'earn'; points: number; lateHours: number }
  | { kind: 'redeem'; points: number }
  | { kind: 'refund'; order: number; share: number }
  | { kind: 'expire' }
  | { kind: 'inactivity' }
  | { kind: 'clock'; hours: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('earn'),
      points: fc.integer({ min: 1, max: 200 }),
      lateHours: fc.nat(96),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('redeem'), points: fc.integer({ min: 1, max: 400 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('refund'),
      order: fc.nat(50),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('expire') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('inactivity') }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('clock'), hours: fc.integer({ min: 0, max: 24 * 45 }) }), weight: 4 },
);

const rulesArbitrary: fc.Arbitrary<Pick<LotRules, 'holdDays' | 'lotExpiry'>> = fc.record(
  {
    holdDays: fc.constantFrom(0, 3, 30),
    lotExpiry: fc.record({ afterMonths: fc.integer({ min: 1, max: 3 }), roundTo: fc.constantFrom('day', 'month') }),
  },
  { requiredKeys: ['holdDays'] },
);

/** Eager model: each step writes every lot it touches; a debt is paid by the next available lots. */
class Reference extends LotsReference {}

describe('points lots over random histories', () => {
  it('keep every lot, the balance and the ledger in step with an eager model', () => {
    fc.assert(
      fc.property(
        rulesArbitrary,
        fc.array(command, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 3 }),
        (rules, commands, maxLotWrites) => {
          let now = new Date('2026-01-01T00:00:00.000Z');
          let book: LotBook = { lots: [], owed: 0 };
          const reference = new Reference();
          const orders: { orderId: string; points: number; refunded: number }[] = [];
          let ledger = 0;
          let sequence = 0;

          for (const step of commands) {
            reference.settle(now);
            const before = pointsTotals(book, now);
            switch (step.kind) {
              case 'clock':
                now = new Date(now.getTime() + step.hours * HOUR_MS);
                break;
              case 'earn': {
                sequence += 1;
                const orderId = `o${sequence}`;
                const lot = newLot(rules, {
                  lotId: `txn_${String(sequence).padStart(4, '0')}`,
                  orderId,
                  points: step.points,
                  creditedAt: now.toISOString(),
                  holdFrom: new Date(now.getTime() - step.lateHours * HOUR_MS).toISOString(),
                });
                book = creditLot(book, lot);
                reference.lots.push({ lot: book.lots.at(-1) ?? lot, movements: [step.points], dead: false });
                orders.push({ orderId, points: step.points, refunded: 0 });
                ledger += step.points;
                break;
              }
              case 'redeem': {
                const { balance } = reference.totals(now);
                if (balance < step.points) {
                  expect(() => planRedemption(book, step.points, now, maxLotWrites)).toThrow(DomainError);
                  break;
                }
                const available = effectiveLots(book, now).lots.filter(
                  (l) => l.status === 'available' && l.effective > 0,
                );
                const plan = planRedemption(book, step.points, now, maxLotWrites);
                expect(plan.writes.length).toBeLessThanOrEqual(maxLotWrites);
                // Soonest-expiring first: the lots spent are a prefix of the available ones, all
                // emptied but the last.
                expect(plan.spentFrom.map((a) => a.lotId)).toEqual(
                  available.slice(0, plan.spentFrom.length).map((l) => l.lotId),
                );
                plan.spentFrom.slice(0, -1).forEach((a, i) => expect(a.points).toBe(available[i]?.effective));
                expect(plan.spentFrom.reduce((sum, a) => sum + a.points, 0)).toBe(step.points);
                book = plan.book;
                expect(reference.take(step.points, now)).toBe(0);
                ledger -= step.points;
                break;
              }
              case 'refund': {
                const order = orders[step.order % Math.max(orders.length, 1)];
                if (!order) break;
                const points = Math.floor((order.points - order.refunded) * step.share);
                order.refunded += points;
                const plan = planLotRefund(book, order.orderId, points, now, maxLotWrites);
                expect(plan.writes.length).toBeLessThanOrEqual(Math.max(maxLotWrites, 1));
                book = plan.book;
                // Reference: the order's own lot first, then the balance, then a debt.
                const own = reference.lots.find((l) => l.lot.orderId === order.orderId && !l.dead);
                const fromOwn = own ? Math.min(reference.left(own), points) : 0;
                if (own && fromOwn > 0) own.movements.push(-fromOwn);
                expect(plan.takenFrom.reduce((sum, a) => sum + a.points, 0)).toBe(fromOwn);
                expect(plan.shortfall).toBe(points - fromOwn);
                reference.debt += reference.take(points - fromOwn, now);
                ledger -= points;
                break;
              }
              case 'expire': {
                const plan = planLotExpiry(book, now);
                book = plan.book;
                let expired = 0;
                for (const l of reference.lots) {
                  if (l.dead || l.lot.expiresAt === undefined || Date.parse(l.lot.expiresAt) > now.getTime()) continue;
                  const left = reference.left(l);
                  if (left > 0) l.movements.push(-left);
                  expired += left;
                  l.dead = true;
                }
                expect(plan.movement?.points ?? 0).toBe(0 - expired);
                ledger += plan.movement?.points ?? 0;
                break;
              }
              case 'inactivity': {
                const plan = planInactivityExpiry(book, now);
                book = plan.book;
                let expired = 0;
                for (const l of reference.available(now)) {
                  const left = reference.left(l);
                  if (left > 0) l.movements.push(-left);
                  expired += left;
                  l.dead = true;
                }
                expect(plan.movement?.points ?? 0).toBe(0 - expired);
                ledger += plan.movement?.points ?? 0;
                break;
              }
            }
            reference.settle(now);

            // Every live lot: credits − debits = what the lazy book says is left of it.
            const live = new Map(effectiveLots(book, now).lots.map((l) => [l.lotId, l.effective]));
            for (const l of reference.lots) {
              if (l.dead) expect(live.has(l.lot.lotId)).toBe(false);
              else expect(live.get(l.lot.lotId)).toBe(reference.left(l));
            }
            const totals = pointsTotals(book, now);
            expect(totals).toEqual(reference.totals(now));
            // The ledger is the truth: Σ ledger points = balance + pending.
            expect(ledger).toBe(totals.balance + totals.pending);
            // Only a refund takes the balance below zero (or further below it).
            if (step.kind !== 'refund' && totals.balance < 0)
              expect(totals.balance).toBeGreaterThanOrEqual(before.balance);
            expect(book.owed).toBeGreaterThanOrEqual(0);
            expect(book.lots.every((l) => l.remaining >= 0 && l.remaining <= l.points)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codesExpiryRule, keptExpiry, type IssuedCode } from '@shared/domain/codes';
import { expiryMovement } from '@shared/domain/expiry';
import {
  creditLot,
  lotsToRemind,
  newLot,
  nextExpiring,
  planInactivityExpiry,
  planKeptExpiry,
  planLotExpiry,
  planRedemption,
  pointsTotals,
  RESERVATION_ENDED,
  spendKept,
  type LotBook,
} from '@shared/domain/lots';
import type { MemberState } from '@shared/domain/member';
import type { Program } from '@shared/schemas/program';

/*
 * The rule of points reserved for codes charged at use under expiry (shared/domain/lots.ts
 * "Reservations"): no expiry takes them; what a dying lot held for the reservation is kept apart;
 * a use charges the kept points first as far as the rest of the reservation no longer needs them;
 * a reservation that ends without a use expires the kept points it no longer needs.
 */

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);
const rules = { holdDays: 0, lotExpiry: { afterMonths: 1, roundTo: 'day' as const } };

function bookOf(...credits: { points: number; day: number; expiring?: boolean }[]): LotBook {
  let book: LotBook = { lots: [], owed: 0 };
  credits.forEach((credit, index) => {
    const lot = newLot(credit.expiring === false ? { holdDays: 0 } : rules, {
      lotId: `txn_${index}`,
      points: credit.points,
      creditedAt: at(credit.day).toISOString(),
    });
    book = creditLot(book, lot);
  });
  return book;
}

describe('lot expiry with a reservation', () => {
  it('keeps what the reservation holds in a dying lot, and expires the rest', () => {
    const book = bookOf({ points: 1000, day: 0 });
    const plan = planLotExpiry(book, at(40), 300);
    expect(plan.movement?.points).toBe(-700);
    expect(plan.expiredFrom).toEqual([{ lotId: 'txn_0', points: 700 }]);
    expect(plan.book.keptForCodes).toBe(300);
    expect(pointsTotals(plan.book, at(40))).toEqual({ balance: 300, pending: 0 });
  });

  it('holds the reservation in the soonest-expiring points, after the spend already made', () => {
    // 500 expiring first, 500 later; 200 spent (owed), 400 reserved: 200 + 300 of the first lot,
    // 100 of the second. The first lot dies: its 300 reserved are kept, nothing of it expires.
    const book = { ...bookOf({ points: 500, day: 0 }, { points: 500, day: 20 }), owed: 200 };
    const plan = planLotExpiry(book, at(40), 400);
    expect(plan.movement).toBeUndefined();
    expect(plan.book.keptForCodes).toBe(300);
    expect(pointsTotals(plan.book, at(40))).toEqual({ balance: 800, pending: 0 });
    // The second lot dies later: of it only the 100 the reservation still needs are kept.
    const later = planLotExpiry(plan.book, at(60), 400);
    expect(later.movement?.points).toBe(-400);
    expect(later.book.keptForCodes).toBe(400);
  });

  it('shows as expiring only what the reservation does not hold', () => {
    const book = bookOf({ points: 1000, day: 0 });
    expect(nextExpiring(book, at(1), 3, 300)).toEqual([{ points: 700, expiresAt: expect.any(String) }]);
    expect(nextExpiring(book, at(1), 3, 1000)).toEqual([]);
    // Reminders likewise; a lot the reservation holds whole is marked reminded, announcing nothing.
    expect(lotsToRemind(book, at(10), 30, 90, 300).reminders).toEqual([{ points: 700, expiresAt: expect.any(String) }]);
    const whole = lotsToRemind(book, at(10), 30, 90, 1000);
    expect(whole.reminders).toEqual([]);
    expect(whole.writes).toEqual([expect.objectContaining({ lotId: 'txn_0', reminded: true })]);
  });
});

describe('inactivity expiry with a reservation', () => {
  it('with lots: every available lot dies, the reserved points are kept', () => {
    const book = bookOf({ points: 600, day: 0, expiring: false }, { points: 400, day: 1, expiring: false });
    const plan = planInactivityExpiry(book, at(10), 300);
    expect(plan.movement?.points).toBe(-700);
    expect(plan.book.keptForCodes).toBe(300);
    expect(pointsTotals(plan.book, at(10))).toEqual({ balance: 300, pending: 0 });
  });

  it('without lots: takes only the balance less the reservation', () => {
    const member = {
      status: 'active',
      createdAt: t0.toISOString(),
      purchases: {},
      points: { balance: 1000, lifetimeEarned: 1000, lifetimeRedeemed: 0, reserved: 300 },
    } as unknown as MemberState;
    const program = { expiry: { inactivityMonths: 1 } } as Pick<Program, 'expiry'>;
    expect(expiryMovement(member, program, at(40))?.points).toBe(-700);
    const allReserved = { ...member, points: { ...member.points, balance: 300 } };
    expect(expiryMovement(allReserved, program, at(40))).toBeUndefined();
  });
});

describe('the kept points at the end of a reservation', () => {
  const kept: LotBook = { lots: [], owed: 0, keptForCodes: 500 };

  it('a use charges the kept points the rest of the reservation no longer needs, then the lots', () => {
    expect(spendKept(kept, 300, 200)).toEqual({ book: { lots: [], owed: 0, keptForCodes: 200 }, points: 0 });
    expect(spendKept(kept, 300, 400)).toEqual({ book: { lots: [], owed: 0, keptForCodes: 400 }, points: 200 });
    // A redemption that leaves the reservation as it was takes nothing kept.
    expect(spendKept(kept, 100, 500)).toEqual({ book: kept, points: 100 });
  });

  it('a cancel or an expiry of the code expires the kept points no longer reserved', () => {
    expect(planKeptExpiry(kept, 200)).toEqual({
      book: { lots: [], owed: 0, keptForCodes: 200 },
      movement: { type: 'expiry', points: -300, breakdown: [{ rule: RESERVATION_ENDED, points: -300 }] },
    });
    expect(planKeptExpiry(kept, 0).book).toEqual({ lots: [], owed: 0 });
    expect(planKeptExpiry(kept, 500)).toEqual({ book: kept });
  });

  it('the codes’ time rule posts that expiry with the codes it marks expired', () => {
    const code: IssuedCode = {
      codeId: 'cod_1',
      code: 'ABCDEFGHJKLM',
      rewardId: 'r',
      memberId: 'mem_1',
      source: 'generated',
      status: 'issued',
      issuedAt: t0.toISOString(),
      expiresAt: at(30).toISOString(),
      chargeOn: 'use',
      onExpiry: 'forfeit',
      points: 300,
    };
    const member = {
      memberId: 'mem_1',
      codesDueAt: code.expiresAt,
      points: { balance: 300, lifetimeEarned: 1000, lifetimeRedeemed: 0, reserved: 300 },
      lots: { owed: 0, keptForCodes: 300 },
    } as unknown as MemberState;
    const change = codesExpiryRule.apply({
      member,
      program: {} as Program,
      now: at(31),
      book: undefined,
      codes: { due: [code], nextDueAt: undefined, more: false },
    });
    expect(change?.member.points.reserved).toBeUndefined();
    expect(change?.movements).toEqual([
      {
        event: 'points.expired',
        movement: { type: 'expiry', points: -300, breakdown: [{ rule: RESERVATION_ENDED, points: -300 }] },
      },
    ]);
    expect(keptExpiry({ points: member.points, lots: { owed: 0 } })).toBeUndefined();
  });
});

// ---------------------------------------------------------------- random histories

type Command =
  | { kind: 'earn'; points: number; expiring: boolean }
  | { kind: 'redeem'; points: number }
  | { kind: 'issue'; points: number }
  | { kind: 'use'; which: number }
  | { kind: 'cancel'; which: number }
  | { kind: 'expire' }
  | { kind: 'inactivity' }
  | { kind: 'clock'; days: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('earn'), points: fc.integer({ min: 1, max: 300 }), expiring: fc.boolean() }),
  fc.record({ kind: fc.constant('redeem'), points: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('issue'), points: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('use'), which: fc.nat(20) }),
  fc.record({ kind: fc.constant('cancel'), which: fc.nat(20) }),
  fc.record({ kind: fc.constant('expire') }),
  fc.record({ kind: fc.constant('inactivity') }),
  fc.record({ kind: fc.constant('clock'), days: fc.integer({ min: 0, max: 45 }) }),
);

describe('reservations over random histories of earns, redemptions, codes and expiries', () => {
  it('no expiry takes a reserved point, a use never goes below zero, the ledger = balance + pending', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        let now = t0;
        let book: LotBook = { lots: [], owed: 0 };
        let ledger = 0;
        let sequence = 0;
        const codes: number[] = [];
        const reserved = () => codes.reduce((sum, points) => sum + points, 0);
        const spendable = () => pointsTotals(book, now).balance - reserved();
        for (const step of commands) {
          const before = pointsTotals(book, now).balance;
          switch (step.kind) {
            case 'clock':
              now = new Date(now.getTime() + step.days * DAY);
              break;
            case 'earn': {
              sequence += 1;
              const lot = newLot(step.expiring ? rules : { holdDays: 0 }, {
                lotId: `txn_${String(sequence).padStart(4, '0')}`,
                points: step.points,
                creditedAt: now.toISOString(),
              });
              book = creditLot(book, lot);
              ledger += step.points;
              break;
            }
            case 'redeem':
            case 'issue': {
              if (spendable() < step.points) break;
              if (step.kind === 'issue') {
                codes.push(step.points);
                break;
              }
              const taken = spendKept(book, step.points, reserved());
              expect(taken.points).toBe(step.points);
              book = planRedemption(taken.book, taken.points, now).book;
              ledger -= step.points;
              break;
            }
            case 'use': {
              if (codes.length === 0) break;
              const [points = 0] = codes.splice(step.which % codes.length, 1);
              const taken = spendKept(book, points, reserved());
              book = taken.points > 0 ? planRedemption(taken.book, taken.points, now).book : taken.book;
              ledger -= points;
              break;
            }
            case 'cancel': {
              if (codes.length === 0) break;
              codes.splice(step.which % codes.length, 1);
              const plan = planKeptExpiry(book, reserved());
              book = plan.book;
              ledger += plan.movement?.points ?? 0;
              break;
            }
            case 'expire':
            case 'inactivity': {
              const plan =
                step.kind === 'expire'
                  ? planLotExpiry(book, now, reserved())
                  : planInactivityExpiry(book, now, reserved());
              // An expiry takes at most the balance less the reservation.
              expect(-(plan.movement?.points ?? 0)).toBeLessThanOrEqual(Math.max(0, before - reserved()));
              book = plan.book;
              ledger += plan.movement?.points ?? 0;
              break;
            }
          }
          const totals = pointsTotals(book, now);
          expect(ledger).toBe(totals.balance + totals.pending);
          // The reservation is always covered: what the member can spend is never below zero.
          expect(totals.balance - reserved()).toBeGreaterThanOrEqual(0);
          expect(book.keptForCodes ?? 0).toBeLessThanOrEqual(reserved());
          expect(book.keptForCodes ?? 0).toBeGreaterThanOrEqual(0);
          expect(book.owed).toBeGreaterThanOrEqual(0);
        }
        // Every code used at the end: the balance is still ≥ 0 and nothing stays kept.
        for (let points = codes.shift(); points !== undefined; points = codes.shift()) {
          const taken = spendKept(book, points, reserved());
          book = taken.points > 0 ? planRedemption(taken.book, taken.points, now).book : taken.book;
        }
        expect(book.keptForCodes ?? 0).toBe(0);
        expect(pointsTotals(book, now).balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

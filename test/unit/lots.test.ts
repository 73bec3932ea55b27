import { describe, expect, it } from 'vitest';
import { DomainError } from '@shared/domain/errors';
import { lotRulesOf } from '@shared/domain/lot-rules';
import { lotSortKey } from '@shared/store/items/lot';
import {
  compareLots,
  effectiveLots,
  lotAvailableAt,
  lotExpiresAt,
  lotsToRemind,
  materializeOwed,
  newLot,
  nextExpiring,
  planInactivityExpiry,
  planLotExpiry,
  planLotRefund,
  planRedemption,
  pointsStatusAt,
  pointsTotals,
  type LotBook,
  type PointsLot,
} from '@shared/domain/lots';

const at = (iso: string) => new Date(iso);

function lot(lotId: string, points: number, availableAt: string, expiresAt?: string, orderId?: string): PointsLot {
  return {
    lotId,
    points,
    remaining: points,
    availableAt,
    ...(expiresAt ? { expiresAt } : {}),
    ...(orderId ? { orderId } : {}),
  };
}

const book = (lots: PointsLot[], owed = 0): LotBook => ({ lots, owed });

describe('lot rules from the program', () => {
  it("defaults to today's behaviour: no hold, no lot expiry, reminders 30 days ahead", () => {
    expect(lotRulesOf({ earn: {}, expiry: null })).toEqual({ holdDays: 0, remindDays: 30 });
    expect(lotRulesOf({ earn: { holdDays: 14 }, expiry: { afterMonths: 24 } })).toEqual({
      holdDays: 14,
      lotExpiry: { afterMonths: 24, roundTo: 'day' },
      remindDays: 30,
    });
  });
});

describe('lot dates', () => {
  it('keeps an earn pending until occurredAt + holdDays, but never available before it was credited', () => {
    expect(lotAvailableAt(14, '2026-01-02T09:00:00.000Z', '2026-01-01T10:00:00.000Z')).toBe('2026-01-15T10:00:00.000Z');
    expect(lotAvailableAt(14, '2026-02-01T09:00:00.000Z', '2026-01-01T10:00:00.000Z')).toBe('2026-02-01T09:00:00.000Z');
    expect(lotAvailableAt(0, '2026-01-02T09:00:00.000Z', '2026-01-01T10:00:00.000Z')).toBe('2026-01-02T09:00:00.000Z');
    expect(lotAvailableAt(14, '2026-01-02T09:00:00.000Z')).toBe('2026-01-02T09:00:00.000Z');
  });

  it('expires afterMonths calendar months later at the end of that UTC day, clamping month ends', () => {
    const day = { afterMonths: 1, roundTo: 'day' } as const;
    expect(lotExpiresAt('2026-01-31T10:00:00.000Z', day)).toBe('2026-02-28T23:59:59.999Z');
    expect(lotExpiresAt('2028-01-31T10:00:00.000Z', day)).toBe('2028-02-29T23:59:59.999Z');
    expect(lotExpiresAt('2026-04-30T00:00:00.000Z', day)).toBe('2026-05-30T23:59:59.999Z');
    expect(lotExpiresAt('2026-12-31T23:59:59.999Z', { afterMonths: 24, roundTo: 'day' })).toBe(
      '2028-12-31T23:59:59.999Z',
    );
  });

  it('expires at the end of the UTC month with roundTo month', () => {
    const month = { afterMonths: 1, roundTo: 'month' } as const;
    expect(lotExpiresAt('2026-01-31T10:00:00.000Z', month)).toBe('2026-02-28T23:59:59.999Z');
    expect(lotExpiresAt('2026-01-01T00:00:00.000Z', month)).toBe('2026-02-28T23:59:59.999Z');
    expect(lotExpiresAt('2026-11-15T00:00:00.000Z', { afterMonths: 2, roundTo: 'month' })).toBe(
      '2027-01-31T23:59:59.999Z',
    );
  });

  it('dates a new lot with the program in force when it is credited', () => {
    const rules = lotRulesOf({ earn: { holdDays: 30 }, expiry: { afterMonths: 12, roundTo: 'month' } });
    expect(
      newLot(rules, {
        lotId: 'txn_1',
        orderId: 'o1',
        points: 50,
        creditedAt: '2026-03-01T12:00:00.000Z',
        holdFrom: '2026-03-01T11:00:00.000Z',
      }),
    ).toEqual({
      lotId: 'txn_1',
      orderId: 'o1',
      points: 50,
      remaining: 50,
      availableAt: '2026-03-31T11:00:00.000Z',
      expiresAt: '2027-03-31T23:59:59.999Z',
      held: true,
    });
    expect(
      newLot(lotRulesOf({ earn: {}, expiry: null }), { lotId: 'b', points: 5, creditedAt: '2026-03-01T12:00:00.000Z' }),
    ).toEqual({ lotId: 'b', points: 5, remaining: 5, availableAt: '2026-03-01T12:00:00.000Z' });
    expect(pointsStatusAt({ availableAt: '2026-03-31T11:00:00.000Z' }, at('2026-03-31T10:59:59.999Z'))).toBe('pending');
    expect(pointsStatusAt({ availableAt: '2026-03-31T11:00:00.000Z' }, at('2026-03-31T11:00:00.000Z'))).toBe(
      'available',
    );
  });

  it('sorts lot keys in consumption order: soonest expiry, then oldest, never-expiring last', () => {
    const lots = [
      lot('c', 1, '2026-01-01T00:00:00.000Z'),
      lot('b', 1, '2026-01-02T00:00:00.000Z', '2026-06-30T23:59:59.999Z'),
      lot('a', 1, '2026-01-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'),
      lot('d', 1, '2026-03-01T00:00:00.000Z', '2026-05-31T23:59:59.999Z'),
    ];
    const keys = lots.map(lotSortKey).sort();
    expect(keys.map((key) => key.split('#').at(-1))).toEqual(['d', 'a', 'b', 'c']);
    // The domain compares the fields in the order the storage keys sort.
    expect(lots.toSorted(compareLots).map((l) => l.lotId)).toEqual(['d', 'a', 'b', 'c']);
  });
});

describe('balances from lots', () => {
  const now = at('2026-05-01T00:00:00.000Z');
  it('counts available lots as the balance and pending ones apart, owed against the balance', () => {
    const lots = [lot('a', 100, '2026-04-01T00:00:00.000Z'), lot('p', 40, '2026-05-10T00:00:00.000Z')];
    expect(pointsTotals(book(lots), now)).toEqual({ balance: 100, pending: 40 });
    expect(pointsTotals(book(lots, 30), now)).toEqual({ balance: 70, pending: 40 });
    expect(pointsTotals(book(lots, 130), now)).toEqual({ balance: -30, pending: 40 });
    // The pending lot, once available, pays the debt first.
    expect(pointsTotals(book(lots, 130), at('2026-05-10T00:00:00.000Z'))).toEqual({ balance: 10, pending: 0 });
  });
});

describe('redemption', () => {
  const now = at('2026-05-01T00:00:00.000Z');
  const lots = [
    lot('never', 100, '2026-01-01T00:00:00.000Z'),
    lot('late', 30, '2026-02-01T00:00:00.000Z', '2026-09-30T23:59:59.999Z'),
    lot('soon-new', 20, '2026-02-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'),
    lot('soon-old', 10, '2026-01-15T00:00:00.000Z', '2026-06-30T23:59:59.999Z'),
    lot('pending', 500, '2026-05-02T00:00:00.000Z', '2026-06-01T23:59:59.999Z'),
  ];

  it('spends the soonest-expiring available lots first, oldest first on a tie, never-expiring last', () => {
    const plan = planRedemption(book(lots), 70, now);
    expect(plan.spentFrom).toEqual([
      { lotId: 'soon-old', points: 10 },
      { lotId: 'soon-new', points: 20 },
      { lotId: 'late', points: 30 },
      { lotId: 'never', points: 10 },
    ]);
    expect(plan.writes.map((w) => [w.lotId, w.remaining])).toEqual([
      ['soon-old', 0],
      ['soon-new', 0],
      ['late', 0],
      ['never', 90],
    ]);
    expect(plan.book.owed).toBe(0);
    expect(pointsTotals(plan.book, now)).toEqual({ balance: 90, pending: 500 });
  });

  it('never spends pending points, and refuses more than the balance or while it is negative', () => {
    expect(() => planRedemption(book(lots), 161, now)).toThrow(DomainError);
    expect(() => planRedemption(book(lots), 161, now)).toThrow(/balance is 160 points; 161 were asked/);
    expect(() => planRedemption(book(lots, 170), 1, now)).toThrow(/after a refund/);
  });

  it('keeps one transaction: writes at most maxLotWrites lots and leaves the rest owed', () => {
    const many = Array.from({ length: 730 }, (_, day) =>
      lot(
        `l${String(day).padStart(3, '0')}`,
        10,
        new Date(Date.UTC(2024, 4, 1) + day * 86_400_000).toISOString(),
        new Date(Date.UTC(2026, 4, 2) + day * 86_400_000).toISOString(),
      ),
    );
    const plan = planRedemption(book(many), 5_000, now, 90);
    expect(plan.writes).toHaveLength(90);
    expect(plan.writes.every((w) => w.remaining === 0)).toBe(true);
    expect(plan.book.owed).toBe(5_000 - 900);
    expect(plan.spentFrom).toHaveLength(500);
    // The same effective lots as if every lot had been written.
    const effective = effectiveLots(plan.book, now).lots;
    expect(effective.filter((l) => l.effective === 0)).toHaveLength(500);
    expect(pointsTotals(plan.book, now).balance).toBe(7_300 - 5_000);
    // Later writes materialize the rest without changing any balance.
    const next = materializeOwed(plan.book, now, 90);
    expect(next.book.owed).toBe(5_000 - 1_800);
    expect(pointsTotals(next.book, now)).toEqual(pointsTotals(plan.book, now));
  });
});

describe('refund', () => {
  const now = at('2026-05-01T00:00:00.000Z');

  it('takes back the order’s pending points first, leaving the balance untouched', () => {
    const lots = [
      lot('a', 100, '2026-04-01T00:00:00.000Z'),
      lot('o1', 40, '2026-05-10T00:00:00.000Z', undefined, 'o1'),
    ];
    const plan = planLotRefund(book(lots), 'o1', 25, now);
    expect(plan.takenFrom).toEqual([{ lotId: 'o1', points: 25 }]);
    expect(plan.shortfall).toBe(0);
    expect(plan.writes).toEqual([{ ...lots[1], remaining: 15 }]);
    expect(pointsTotals(plan.book, now)).toEqual({ balance: 100, pending: 15 });
  });

  it('takes what is left of an available lot, then the spent part from the balance, soonest-expiring', () => {
    const lots = [
      lot('o1', 50, '2026-03-01T00:00:00.000Z', '2027-03-01T23:59:59.999Z', 'o1'),
      lot('b', 30, '2026-02-01T00:00:00.000Z', '2027-02-01T23:59:59.999Z'),
    ];
    // 60 spent: b (30) first, then 30 of o1; o1 has 20 left.
    const spent = planRedemption(book(lots), 60, now);
    const plan = planLotRefund(spent.book, 'o1', 50, now);
    expect(plan.takenFrom).toEqual([{ lotId: 'o1', points: 20 }]);
    expect(plan.shortfall).toBe(30);
    expect(pointsTotals(plan.book, now)).toEqual({ balance: -30, pending: 0 });
  });

  it('lets a refund take the balance below zero only by what was already spent; new points pay it', () => {
    const lots = [lot('o1', 50, '2026-03-01T00:00:00.000Z', undefined, 'o1')];
    const spent = planRedemption(book(lots), 50, now);
    const refunded = planLotRefund(spent.book, 'o1', 50, now);
    expect(pointsTotals(refunded.book, now).balance).toBe(-50);
    expect(() => planRedemption(refunded.book, 1, now)).toThrow(/after a refund/);
    const credited: LotBook = {
      ...refunded.book,
      lots: [...refunded.book.lots, lot('n', 80, '2026-05-01T00:00:00.000Z')],
    };
    expect(pointsTotals(credited, now).balance).toBe(30);
    expect(planRedemption(credited, 30, now).spentFrom).toEqual([{ lotId: 'n', points: 30 }]);
  });
});

describe('expiry', () => {
  const lots = [
    lot('a', 100, '2025-01-01T00:00:00.000Z', '2026-01-31T23:59:59.999Z'),
    lot('b', 60, '2025-02-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z'),
    lot('c', 10, '2025-01-01T00:00:00.000Z'),
  ];

  it('debits only what is left of each expired lot, as one movement per member per run', () => {
    const spent = planRedemption(book(lots), 120, at('2025-06-01T00:00:00.000Z'));
    const plan = planLotExpiry(spent.book, at('2026-03-01T00:00:00.000Z'));
    expect(plan.expiredFrom).toEqual([{ lotId: 'b', points: 40 }]);
    expect(plan.movement).toEqual({ type: 'expiry', points: -40, breakdown: [{ rule: 'lot-expiry', points: -40 }] });
    expect(pointsTotals(plan.book, at('2026-03-01T00:00:00.000Z'))).toEqual({ balance: 10, pending: 0 });
    // A second run at the same time finds nothing.
    expect(planLotExpiry(plan.book, at('2026-03-01T00:00:00.000Z')).movement).toBeUndefined();
  });

  it('is due at the expiry instant, not before, and writes no lot item', () => {
    expect(planLotExpiry(book(lots), at('2026-01-31T23:59:59.998Z')).movement).toBeUndefined();
    const due = planLotExpiry(book(lots), at('2026-01-31T23:59:59.999Z'));
    expect(due.movement?.points).toBe(-100);
    expect(due.book.lots).toBe(lots);
    expect(due.book.expiredThrough).toBe('2026-01-31T23:59:59.999Z');
  });

  it('takes the spend owed by an expired lot with it, so it is not charged again to later lots', () => {
    const spent = planRedemption(book(lots), 120, at('2025-06-01T00:00:00.000Z'), 0);
    expect(spent.book.owed).toBe(120);
    const plan = planLotExpiry(spent.book, at('2026-01-31T23:59:59.999Z'));
    expect(plan.movement).toBeUndefined();
    expect(plan.book.owed).toBe(20);
    expect(pointsTotals(plan.book, at('2026-02-01T00:00:00.000Z')).balance).toBe(50);
  });

  it('inactivity expires every available lot at once, whatever its date; pending lots survive', () => {
    const withPending = [...lots, lot('p', 5, '2025-07-01T00:00:00.000Z')];
    const plan = planInactivityExpiry(book(withPending, 30), at('2025-06-01T00:00:00.000Z'));
    expect(plan.movement).toEqual({ type: 'expiry', points: -140, breakdown: [{ rule: 'inactivity', points: -140 }] });
    expect(pointsTotals(plan.book, at('2025-06-01T00:00:00.000Z'))).toEqual({ balance: 0, pending: 5 });
    expect(pointsTotals(plan.book, at('2025-07-01T00:00:00.000Z'))).toEqual({ balance: 5, pending: 0 });
  });
});

describe('what the member sees', () => {
  const now = at('2026-05-01T00:00:00.000Z');
  const lots = [
    lot('a', 10, '2025-05-01T00:00:00.000Z', '2026-05-31T23:59:59.999Z'),
    lot('b', 20, '2025-05-02T00:00:00.000Z', '2026-05-31T23:59:59.999Z'),
    lot('c', 30, '2025-06-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z'),
    lot('d', 40, '2025-07-01T00:00:00.000Z', '2026-07-31T23:59:59.999Z'),
    lot('e', 50, '2025-08-01T00:00:00.000Z', '2026-08-31T23:59:59.999Z'),
  ];

  it('shows the next three expiry dates with what is left to expire on each', () => {
    expect(nextExpiring(book(lots, 15), now)).toEqual([
      { points: 15, expiresAt: '2026-05-31T23:59:59.999Z' },
      { points: 30, expiresAt: '2026-06-30T23:59:59.999Z' },
      { points: 40, expiresAt: '2026-07-31T23:59:59.999Z' },
    ]);
  });

  it('reminds each lot once, remindDays before it expires', () => {
    const first = lotsToRemind(book(lots), at('2026-05-02T00:00:00.000Z'), 30);
    expect(first.reminders).toEqual([{ expiresAt: '2026-05-31T23:59:59.999Z', points: 30 }]);
    expect(first.writes.map((w) => [w.lotId, w.reminded])).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(lotsToRemind(first.book, at('2026-05-03T00:00:00.000Z'), 30).reminders).toEqual([]);
    const later = lotsToRemind(first.book, at('2026-06-01T00:00:00.000Z'), 30);
    expect(later.reminders).toEqual([{ expiresAt: '2026-06-30T23:59:59.999Z', points: 30 }]);
  });

  it('does not remind of points already spent or expired', () => {
    expect(lotsToRemind(book(lots, 30), at('2026-05-02T00:00:00.000Z'), 30).reminders).toEqual([]);
    expect(lotsToRemind(book(lots), now, 30).reminders).toEqual([]);
    expect(lotsToRemind(book(lots), at('2026-06-01T00:00:00.000Z'), 1).reminders).toEqual([]);
  });
});

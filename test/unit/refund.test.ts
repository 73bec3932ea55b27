import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { redeemCashbackMovement } from '@shared/domain/cashback';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { newMember, pendingCashbackTotal, settleCashback, type MemberState } from '@shared/domain/member';
import { newOrder, recordPurchase, type OrderState } from '@shared/domain/order';
import { redeemPointsMovement } from '@shared/domain/redeem';
import { planRefund } from '@shared/domain/refund';
import { qualifyingSpend } from '@shared/domain/tiers';

const now = new Date('2026-06-01T12:00:00.000Z');
const releaseAt = '2026-06-15T12:00:00.000Z';
let ids = 0;
const context = {
  partnerId: 'p',
  now: now.toISOString(),
  currency: 'EUR',
  programVersion: 1,
  newTransactionId: () => `t${++ids}`,
};

/** A member who bought order o1 (amount, earning `points` and `cashback` pending until releaseAt), as earn and cashback leave them. */
function purchased(
  amount: number,
  earned: { points?: number; cashback?: number },
): { member: MemberState; order: OrderState } {
  const base = newOrder('m1', 'o1', { value: amount, currency: 'EUR' }, now.toISOString(), now);
  const order: OrderState = {
    ...base,
    ...(earned.points !== undefined ? { points: { earned: earned.points, reversed: 0 } } : {}),
    ...(earned.cashback !== undefined ? { cashback: { credited: earned.cashback, reversed: 0, releaseAt } } : {}),
    version: 1,
  };
  const start = recordPurchase(
    newMember({
      memberId: 'm1',
      referralCode: 'ABCDEFGH',
      createdAt: '2026-01-01T00:00:00.000Z',
      profile: {},
      consent: { marketing: false, analytics: false },
    }),
    base,
    now,
  );
  const { member } = postMovements(
    start,
    [
      ...(earned.points !== undefined ? [{ type: 'earn' as const, points: earned.points, orderId: 'o1' }] : []),
      ...(earned.cashback !== undefined
        ? [
            {
              type: 'cashback' as const,
              points: 0,
              orderId: 'o1',
              cashback: { value: earned.cashback, status: 'pending' as const, releaseAt },
            },
          ]
        : []),
    ],
    context,
  );
  return { member, order };
}

/** Applies refunds one after another, at `at`, the way the store does; returns every entry posted. */
function refundInSteps(start: { member: MemberState; order: OrderState }, amounts: number[], at = now) {
  let { member, order } = start;
  const entries: LedgerEntry[] = [];
  for (const amount of amounts) {
    const plan = planRefund(settleCashback(member, at), order, amount, at);
    const posted = postMovements(plan.member, plan.movements, context);
    member = posted.member;
    order = plan.order;
    entries.push(...posted.entries);
  }
  return { member, order, entries };
}

const sumPoints = (entries: LedgerEntry[]) => entries.reduce((sum, entry) => sum + entry.points, 0);
const sumCashback = (entries: LedgerEntry[]) => entries.reduce((sum, entry) => sum + (entry.cashback?.value ?? 0), 0);

describe('refunding an order', () => {
  it('reverses exactly what the order earned over three refunds of a third each', () => {
    const start = purchased(10_000, { points: 100, cashback: 299 });
    const { member, order, entries } = refundInSteps(start, [3_333, 3_333, 3_334]);
    expect(entries.filter((e) => e.points !== 0).map((e) => e.points)).toEqual([-33, -33, -34]);
    expect(entries.filter((e) => e.cashback).map((e) => e.cashback?.value)).toEqual([-99, -100, -100]);
    expect(sumPoints(entries)).toBe(-100);
    expect(sumCashback(entries)).toBe(-299);
    expect(member.points.balance).toBe(0);
    expect(member.cashback).toEqual({ available: 0, pending: [] });
    expect(order).toMatchObject({
      refunded: 10_000,
      points: { earned: 100, reversed: 100 },
      cashback: { credited: 299, reversed: 299 },
    });
  });

  it('adds up exactly to what the order earned for any sequence of partial refunds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }).chain((amount) =>
          fc.record({
            amount: fc.constant(amount),
            points: fc.integer({ min: 0, max: 100_000 }),
            cashback: fc.integer({ min: 0, max: 300_000 }),
            cuts: fc.uniqueArray(fc.integer({ min: 1, max: amount }), { maxLength: 12 }),
          }),
        ),
        ({ amount, points, cashback, cuts }) => {
          const bounds = [...cuts.filter((c) => c < amount).sort((a, b) => a - b), amount];
          const refunds = bounds.map((bound, i) => bound - (bounds[i - 1] ?? 0));
          const { entries, member } = refundInSteps(purchased(amount, { points, cashback }), refunds);
          expect(sumPoints(entries) + points).toBe(0);
          expect(sumCashback(entries) + cashback).toBe(0);
          expect(entries.every((e) => e.points <= 0 && (e.cashback?.value ?? 0) <= 0)).toBe(true);
          expect(member.points.balance).toBe(0);
          expect(member.cashback.available + pendingCashbackTotal(member)).toBe(0);
        },
      ),
    );
  });

  it('posts the points and the cashback reversal as their own refund entries, each with the order and the refund amount', () => {
    const { entries } = refundInSteps(purchased(10_000, { points: 100, cashback: 300 }), [5_000]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      type: 'refund',
      points: 0,
      cashback: { value: -150, status: 'pending' },
      orderId: 'o1',
      amount: { value: 5_000, currency: 'EUR' },
    });
    expect(entries[1]).toMatchObject({
      type: 'refund',
      points: -50,
      orderId: 'o1',
      amount: { value: 5_000, currency: 'EUR' },
      balance: { points: 50, cashbackAvailable: 0, cashbackPending: 150 },
    });
    expect(entries[1]?.cashback).toBeUndefined();
  });

  it('reverses pending cashback from its lot, so it never becomes available', () => {
    const { member } = refundInSteps(purchased(10_000, { cashback: 300 }), [10_000]);
    expect(member.cashback).toEqual({ available: 0, pending: [] });
    expect(settleCashback(member, new Date(releaseAt)).cashback.available).toBe(0);
  });

  it('reverses cashback from available once the hold has ended', () => {
    const afterHold = new Date(releaseAt);
    const { member, entries } = refundInSteps(purchased(10_000, { cashback: 300 }), [2_500], afterHold);
    expect(entries[0]?.cashback).toMatchObject({ value: -75, status: 'available' });
    // The released lot stays listed until the time-changes job announces it (cashback.available).
    expect(member.cashback).toEqual({
      available: 225,
      pending: [],
      released: [{ orderId: 'o1', value: 300, releaseAt }],
    });
  });

  it('splits across the hold: the part refunded while pending leaves the lot, the rest comes out of available', () => {
    const start = purchased(10_000, { cashback: 300 });
    const early = refundInSteps(start, [4_000]);
    expect(early.member.cashback.pending).toEqual([{ orderId: 'o1', value: 180, releaseAt }]);
    const late = refundInSteps({ member: early.member, order: early.order }, [6_000], new Date(releaseAt));
    expect(late.entries[0]?.cashback).toMatchObject({ value: -180, status: 'available' });
    expect(late.member.cashback).toEqual({
      available: 0,
      pending: [],
      released: [{ orderId: 'o1', value: 180, releaseAt }],
    });
  });

  it('takes the points balance below zero when they were already spent, and then refuses redemptions', () => {
    const start = purchased(10_000, { points: 100 });
    const spent = postMovements(start.member, [redeemPointsMovement(start.member, 100)], context).member;
    const { member } = refundInSteps({ member: spent, order: start.order }, [10_000]);
    expect(member.points.balance).toBe(-100);
    expect(() => redeemPointsMovement(member, 1)).toThrowError(expect.objectContaining({ code: 'negative-balance' }));
  });

  it('takes available cashback below zero when it was already spent, and then refuses cashback spends', () => {
    const afterHold = new Date(releaseAt);
    const start = purchased(10_000, { cashback: 300 });
    const released = settleCashback(start.member, afterHold);
    const spent = postMovements(released, [redeemCashbackMovement(released, 300)], context).member;
    const { member } = refundInSteps({ member: spent, order: start.order }, [5_000], afterHold);
    expect(member.cashback.available).toBe(-150);
    expect(() => redeemCashbackMovement(member, 1)).toThrowError(expect.objectContaining({ code: 'negative-balance' }));
  });

  it('refuses a refund beyond what is left of the order, naming what is left', () => {
    const start = purchased(10_000, { points: 100 });
    expect(() => planRefund(start.member, start.order, 10_001, now)).toThrowError(
      expect.objectContaining({ code: 'refund-exceeds-order' }),
    );
    const { member, order } = refundInSteps(start, [7_000]);
    expect(() => planRefund(member, order, 3_001, now)).toThrowError(
      expect.objectContaining({
        code: 'refund-exceeds-order',
        errors: [{ path: 'body.amount.value', message: 'must be at most 3000' }],
      }),
    );
    expect(planRefund(member, order, 3_000, now).order.refunded).toBe(10_000);
  });

  it('takes the refund out of the qualifying spend of the purchase day', () => {
    const start = purchased(60_000, { points: 600 });
    expect(qualifyingSpend(start.member, now)).toBe(60_000);
    const { member } = refundInSteps(start, [15_000]);
    expect(qualifyingSpend(member, now)).toBe(45_000);
    expect(member.purchases.spendByDay).toEqual({ '2026-06-01': 45_000 });
  });

  it('still records a refund too small to reverse anything, with its amount', () => {
    const { entries, order } = refundInSteps(purchased(10_000, { points: 100, cashback: 300 }), [1]);
    expect(entries).toEqual([
      expect.objectContaining({ type: 'refund', points: 0, orderId: 'o1', amount: { value: 1, currency: 'EUR' } }),
    ]);
    expect(entries[0]?.cashback).toBeUndefined();
    expect(order).toMatchObject({ refunded: 1, points: { reversed: 0 }, cashback: { reversed: 0 } });
  });

  it('reverses only cashback for an order that earned no points', () => {
    const { entries, order } = refundInSteps(purchased(10_000, { cashback: 300 }), [10_000]);
    expect(entries).toEqual([
      expect.objectContaining({ points: 0, cashback: expect.objectContaining({ value: -300 }) as unknown }) as unknown,
    ]);
    expect(order.points).toBeUndefined();
  });
});

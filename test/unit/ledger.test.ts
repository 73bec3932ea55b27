import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { postMovements, type Movement } from '@shared/domain/ledger';
import { newMember, settleCashback } from '@shared/domain/member';
import { redeemPointsMovement } from '@shared/domain/redeem';
import { resolveOccurredAt } from '@shared/domain/order';
import { DomainError } from '@shared/domain/errors';

const member = () =>
  newMember({
    memberId: 'm1',
    referralCode: 'ABCDEFGH',
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: {},
    consent: { marketing: false, analytics: false },
  });
let ids = 0;
const context = {
  partnerId: 'p',
  now: '2026-01-02T00:00:00.000Z',
  currency: 'EUR',
  programVersion: 1,
  newTransactionId: () => `t${++ids}`,
};

describe('posting movements to the ledger', () => {
  it('gives every entry the balances after it, so the ledger always sums to the balance', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 30 }), (amounts) => {
        const movements: Movement[] = amounts.map((points) => ({
          type: points >= 0 ? 'earn' : 'redeem',
          points,
          redemption: points < 0,
        }));
        const { member: next, entries } = postMovements(member(), movements, context);
        const sum = entries.reduce((total, entry) => total + entry.points, 0);
        expect(next.points.balance).toBe(sum);
        expect(entries.at(-1)?.balance.points ?? 0).toBe(sum);
        expect(next.points.lifetimeEarned - next.points.lifetimeRedeemed).toBe(sum);
      }),
    );
  });

  it('orders the entries of one write by the member version that wrote them', () => {
    const { entries } = postMovements(
      { ...member(), version: 41 },
      [
        { type: 'bonus', points: 1 },
        { type: 'bonus', points: 2 },
      ],
      context,
    );
    expect(entries.map((e) => [e.sequence, e.index])).toEqual([
      [42, 0],
      [42, 1],
    ]);
  });

  it('keeps pending cashback in lots that become available when their hold ends', () => {
    const { member: next } = postMovements(
      member(),
      [
        {
          type: 'cashback',
          points: 0,
          orderId: 'o1',
          cashback: { value: 250, status: 'pending', releaseAt: '2026-01-15T00:00:00.000Z' },
        },
      ],
      context,
    );
    expect(settleCashback(next, new Date('2026-01-14T23:59:59.999Z')).cashback).toEqual({
      available: 0,
      pending: [{ orderId: 'o1', value: 250, releaseAt: '2026-01-15T00:00:00.000Z' }],
    });
    // Released, and listed as such until the time-changes job announces it.
    expect(settleCashback(next, new Date('2026-01-15T00:00:00.000Z')).cashback).toEqual({
      available: 250,
      pending: [],
      released: [{ orderId: 'o1', value: 250, releaseAt: '2026-01-15T00:00:00.000Z' }],
    });
  });
});

describe('redeeming', () => {
  it('refuses a redeem that would overdraw the balance', () => {
    const { member: funded } = postMovements(member(), [{ type: 'bonus', points: 10 }], context);
    expect(() => redeemPointsMovement(funded, 11)).toThrowError(
      expect.objectContaining({ code: 'insufficient-points' }),
    );
    expect(redeemPointsMovement(funded, 10).points).toBe(-10);
  });

  it('refuses every redeem while a refund left the balance negative', () => {
    const { member: negative } = postMovements(member(), [{ type: 'refund', points: -5 }], context);
    expect(() => redeemPointsMovement(negative, 1)).toThrowError(DomainError);
    expect(() => redeemPointsMovement(negative, 1)).toThrowError(expect.objectContaining({ code: 'negative-balance' }));
  });
});

describe('purchase time', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  it('defaults to now and accepts a late till up to 90 days back', () => {
    expect(resolveOccurredAt(undefined, now)).toBe(now.toISOString());
    expect(resolveOccurredAt('2026-03-03T12:00:00.000Z', now)).toBe('2026-03-03T12:00:00.000Z');
  });
  it('refuses more than 90 days back or more than 5 minutes ahead', () => {
    expect(() => resolveOccurredAt('2026-03-02T11:59:59.000Z', now)).toThrowError(
      expect.objectContaining({ code: 'occurred-at-out-of-range' }),
    );
    expect(() => resolveOccurredAt('2026-06-01T12:05:01.000Z', now)).toThrowError(
      expect.objectContaining({ code: 'occurred-at-out-of-range' }),
    );
    expect(resolveOccurredAt('2026-06-01T12:04:59.000Z', now)).toBe('2026-06-01T12:04:59.000Z');
  });
});

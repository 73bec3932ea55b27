import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultProgram } from '@infra/config/default-program';
import { cashbackCredit, cashbackReleaseAt, redeemCashbackMovement } from '@shared/domain/cashback';
import { postMovements, type Movement } from '@shared/domain/ledger';
import { newMember, pendingCashbackTotal, settleCashback, type MemberState } from '@shared/domain/member';
import { newOrder, recordPurchase } from '@shared/domain/order';
import { ProgramRules } from '@shared/schemas/program';

const program = ProgramRules.parse(defaultProgram);
const now = new Date('2026-06-01T12:00:00.000Z');
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
  now: now.toISOString(),
  currency: 'EUR',
  programVersion: 1,
  newTransactionId: () => `t${++ids}`,
};

function order(orderId: string, value: number, occurredAt = now.toISOString()) {
  return newOrder('m1', orderId, { value, currency: 'EUR' }, occurredAt, now);
}

function withRate(cashbackRate: number, holdDays = 14) {
  return { ...program, tiers: program.tiers.map((tier) => ({ ...tier, cashbackRate })), cashback: { holdDays } };
}

function creditFor(
  rules: Pick<ProgramRules, 'tiers' | 'cashback'>,
  value: number,
  occurredAt?: string,
  subject: MemberState = member(),
) {
  return cashbackCredit(rules, subject, { order: order('o1', value, occurredAt), recorded: false, amount: value }, now);
}

describe('cashback for a purchase', () => {
  it('credits the tier rate of the amount, rounded down to the minor unit', () => {
    expect(creditFor(withRate(100), 1999).credited).toBe(19); // 19.99
    expect(creditFor(withRate(250), 333).credited).toBe(8); // 8.325
    expect(creditFor(withRate(175), 10_001).credited).toBe(175); // 175.0175
    expect(creditFor(withRate(9_999), 1).credited).toBe(0); // 0.9999
    expect(creditFor(withRate(10_000), 12_345).credited).toBe(12_345);
    expect(creditFor(withRate(1), 99_999_999_999).credited).toBe(9_999_999); // 9_999_999.9999
  });

  it('never credits more than the exact share, nor a whole unit less', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, rate) => {
        const value = creditFor(withRate(rate), amount).credited;
        expect(Number.isInteger(value)).toBe(true);
        expect(BigInt(value) * 10_000n <= BigInt(amount) * BigInt(rate)).toBe(true);
        expect(BigInt(value + 1) * 10_000n > BigInt(amount) * BigInt(rate)).toBe(true);
      }),
    );
  });

  it('applies the rate of the tier the member is in before the purchase', () => {
    const silver = recordPurchase(member(), order('earlier', 60_000, '2026-05-01T10:00:00.000Z'), now);
    expect(creditFor(program, 10_000, undefined, member()).credited).toBe(100); // Member: 1 %
    expect(creditFor(program, 10_000, undefined, silver).credited).toBe(200); // Silver: 2 %
  });

  it('gives an order that earn already recorded the same rate as a new one', () => {
    // 45 000 spent before; this 10 000 purchase lifts the member to Silver only once it is counted.
    const before = recordPurchase(member(), order('earlier', 45_000, '2026-05-01T10:00:00.000Z'), now);
    const purchase = order('o1', 10_000);
    const afterEarn = recordPurchase(before, purchase, now);
    const fresh = cashbackCredit(program, before, { order: purchase, recorded: false, amount: 10_000 }, now);
    const recorded = cashbackCredit(program, afterEarn, { order: purchase, recorded: true, amount: 10_000 }, now);
    expect(fresh.credited).toBe(100);
    expect(recorded.credited).toBe(100);
  });

  it('credits an order refunded before its cashback arrived net of those refunds', () => {
    const purchase = { ...order('o1', 10_000), refunded: 2_500 };
    const credit = cashbackCredit(withRate(300, 0), member(), { order: purchase, recorded: true, amount: 10_000 }, now);
    expect(credit).toMatchObject({
      credited: 300,
      reversed: 75,
      movement: { cashback: { value: 225, status: 'available' } },
    });
  });

  it('keeps the credit pending until holdDays after the purchase', () => {
    const credit = creditFor(withRate(100, 14), 10_000);
    expect(credit.releaseAt).toBe('2026-06-15T12:00:00.000Z');
    expect(credit.movement.cashback).toEqual({ value: 100, status: 'pending', releaseAt: '2026-06-15T12:00:00.000Z' });
    expect(credit.movement).toMatchObject({ type: 'cashback', points: 0, orderId: 'o1', amount: 10_000 });
  });

  it('makes the credit available at once when the hold is 0 days, even for a purchase a few seconds ahead of our clock', () => {
    const ahead = new Date(now.getTime() + 60_000).toISOString();
    expect(creditFor(withRate(100, 0), 10_000, ahead).movement.cashback).toEqual({ value: 100, status: 'available' });
  });

  it('makes a late-reported purchase available at once when its return window is already over', () => {
    expect(creditFor(withRate(100, 14), 10_000, '2026-05-01T12:00:00.000Z').movement.cashback).toEqual({
      value: 100,
      status: 'available',
    });
    expect(creditFor(withRate(100, 14), 10_000, '2026-05-18T12:00:00.001Z').movement.cashback?.status).toBe('pending');
  });

  it('releases pending cashback exactly at releaseAt, not a millisecond before', () => {
    const credit = creditFor(withRate(100, 14), 10_000);
    const { member: credited } = postMovements(member(), [credit.movement], context);
    const justBefore = settleCashback(credited, new Date(Date.parse(credit.releaseAt) - 1));
    const at = settleCashback(credited, new Date(credit.releaseAt));
    expect([justBefore.cashback.available, pendingCashbackTotal(justBefore)]).toEqual([0, 100]);
    expect([at.cashback.available, pendingCashbackTotal(at)]).toEqual([100, 0]);
  });

  it('computes the release time in UTC days', () => {
    expect(cashbackReleaseAt('2026-03-28T23:30:00.000Z', 2)).toBe('2026-03-30T23:30:00.000Z');
  });
});

describe('spending cashback', () => {
  const funded = (available: number) => ({
    cashback: { available, pending: [{ orderId: 'o9', value: 500, releaseAt: '2027-01-01T00:00:00.000Z' }] },
  });

  it('spends available cashback, up to all of it', () => {
    expect(redeemCashbackMovement(funded(300), 300, { orderId: 'till-1' })).toEqual({
      type: 'cashback-redeem',
      points: 0,
      cashback: { value: -300, status: 'available' },
      orderId: 'till-1',
    });
  });

  it('refuses a spend that would overdraw the available cashback; pending cashback does not count', () => {
    expect(() => redeemCashbackMovement(funded(300), 301)).toThrowError(
      expect.objectContaining({ code: 'insufficient-cashback' }),
    );
  });

  it('refuses every spend while a refund left the available cashback negative', () => {
    expect(() => redeemCashbackMovement(funded(-1), 1)).toThrowError(
      expect.objectContaining({ code: 'negative-balance' }),
    );
  });

  it('keeps the ledger cashback equal to available + pending through credits, settlements and spends', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            amount: fc.integer({ min: 1, max: 1_000_000 }),
            daysLater: fc.integer({ min: 0, max: 30 }),
            spend: fc.integer({ min: 1, max: 5_000 }),
          }),
          { maxLength: 20 },
        ),
        (steps) => {
          let state = member();
          let ledgerSum = 0;
          steps.forEach((step, index) => {
            const at = new Date(now.getTime() + step.daysLater * 86_400_000);
            state = settleCashback(state, at);
            const credit = cashbackCredit(
              withRate(300, 7),
              state,
              { order: order(`o${index}`, step.amount, at.toISOString()), recorded: false, amount: step.amount },
              at,
            );
            const movements: Movement[] = [credit.movement];
            if (state.cashback.available >= step.spend) movements.push(redeemCashbackMovement(state, step.spend));
            const posted = postMovements(state, movements, context);
            state = posted.member;
            ledgerSum += posted.entries.reduce((sum, entry) => sum + (entry.cashback?.value ?? 0), 0);
            expect(state.cashback.available).toBeGreaterThanOrEqual(0);
            expect(state.cashback.available + pendingCashbackTotal(state)).toBe(ledgerSum);
          });
        },
      ),
    );
  });
});

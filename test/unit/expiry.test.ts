import { describe, expect, it } from 'vitest';
import { addMonths, expiryMovement, inactiveSince, inactivityExpiryRule, pointsExpireAt } from '@shared/domain/expiry';
import { defaultProgram } from '@infra/config/default-program';
import { newMember, type MemberState } from '@shared/domain/member';
import { scheduleKeyAt } from '@shared/domain/time-rules';
import type { Program } from '@shared/schemas/program';

const program = { expiry: { inactivityMonths: 12 } };

function member(balance: number, lastAt?: string, createdAt = '2025-01-10T08:00:00.000Z'): MemberState {
  const base = newMember({
    memberId: 'm1',
    referralCode: 'ABCDEFGH',
    createdAt,
    profile: {},
    consent: { marketing: false, analytics: false },
  });
  return {
    ...base,
    points: { balance, lifetimeEarned: Math.max(balance, 0), lifetimeRedeemed: 0 },
    purchases: { ...base.purchases, ...(lastAt ? { lastAt, count: 1 } : {}) },
  };
}

describe('points expiry', () => {
  it('adds calendar months, clamping to the end of shorter months', () => {
    expect(addMonths('2026-01-31T10:00:00.000Z', 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths('2028-01-31T10:00:00.000Z', 1).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addMonths('2026-03-15T00:00:00.000Z', 24).toISOString()).toBe('2028-03-15T00:00:00.000Z');
  });

  it('counts inactivity from the last purchase, or from enrolment for a member who never bought', () => {
    expect(pointsExpireAt(member(10, '2025-06-01T12:00:00.000Z'), program)).toBe('2026-06-01T12:00:00.000Z');
    expect(pointsExpireAt(member(10), program)).toBe('2026-01-10T08:00:00.000Z');
  });

  it('does not count a late-reported purchase from before enrolment as activity after it', () => {
    expect(inactiveSince(member(10, '2025-01-01T00:00:00.000Z'))).toBe('2025-01-10T08:00:00.000Z');
  });

  it('has nothing to expire without a positive balance or when the program keeps points forever', () => {
    expect(pointsExpireAt(member(0), program)).toBeUndefined();
    expect(pointsExpireAt(member(-5), program)).toBeUndefined();
    expect(pointsExpireAt(member(10), { expiry: null })).toBeUndefined();
    expect(pointsExpireAt({ ...member(10), status: 'erased' }, program)).toBeUndefined();
  });

  it('expires the whole balance once it is due, as one expiry movement', () => {
    const due = member(340, '2025-06-01T12:00:00.000Z');
    expect(expiryMovement(due, program, new Date('2026-06-01T11:59:59.999Z'))).toBeUndefined();
    expect(expiryMovement(due, program, new Date('2026-06-01T12:00:00.000Z'))).toEqual({
      type: 'expiry',
      points: -340,
      breakdown: [{ rule: 'inactivity', points: -340 }],
    });
  });

  it('is due when the points expire, whatever the month lengths; from the member alone, never later', () => {
    // Inactive since 31 March: due on 30 April (clamped), and the rule says so.
    const monthly = { expiry: { inactivityMonths: 1 } };
    const since = member(5, '2026-03-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    expect(expiryMovement(since, monthly, new Date('2026-04-30T00:00:00.000Z'))).toBeDefined();
    const rules = (changes: object) => ({ ...defaultProgram, version: 1, updatedAt: '', ...changes }) as Program;
    expect(inactivityExpiryRule.dueAt(since, rules(monthly))).toBe('2026-04-30T00:00:00.000Z');
    expect(inactivityExpiryRule.dueAt(since, rules(program))).toBe('2027-03-31T00:00:00.000Z');
    expect(inactivityExpiryRule.dueAt(since, rules({ expiry: null }))).toBeUndefined();
    // Without the program (a write that has none at hand): the fewest months a program may set.
    expect(inactivityExpiryRule.dueAt(since)).toBe('2026-04-30T00:00:00.000Z');
    expect(inactivityExpiryRule.dueAt(member(0, '2026-03-31T00:00:00.000Z'))).toBeUndefined();
  });
});

describe('expiry in the schedule key a write stores', () => {
  it('moves the key only earlier than the one stored; nothing for expiry without points', () => {
    const rules = { ...defaultProgram, version: 1, updatedAt: '', expiry: program.expiry } as Program;
    const bought = { ...member(50, '2026-05-20T10:00:00.000Z'), timeMarks: { anniversary: '2030' } };
    expect(scheduleKeyAt(bought, rules)).toBe('2027-05-20T10:00:00.000Z');
    // A purchase that pushes expiry later does not move the stored key on (the job does)…
    expect(scheduleKeyAt({ ...bought, timeChangesCheckAt: '2027-03-01T00:00:00.000Z' }, rules)).toBe(
      '2027-03-01T00:00:00.000Z',
    );
    // …and a stored key is never kept when the points expire earlier.
    expect(scheduleKeyAt({ ...bought, timeChangesCheckAt: '2027-07-01T00:00:00.000Z' }, rules)).toBe(
      '2027-05-20T10:00:00.000Z',
    );
    expect(scheduleKeyAt({ ...bought, points: { ...bought.points, balance: 0 } }, rules)).toBe(
      '2031-01-10T00:00:00.000Z',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  addMonths,
  expiryCandidatesBefore,
  expiryCheckMonth,
  expiryMovement,
  inactiveSince,
  pointsExpireAt,
} from '@shared/domain/expiry';
import { newMember, type MemberState } from '@shared/domain/member';

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

  it('offers every due member to the job, whatever the month lengths', () => {
    // Inactive since 31 March: due on 30 April (clamped); the cut-off must still include it.
    const monthly = { expiry: { inactivityMonths: 1 } };
    const now = new Date('2026-04-30T00:00:00.000Z');
    const since = '2026-03-31T00:00:00.000Z';
    expect(expiryMovement(member(5, since, '2026-01-01T00:00:00.000Z'), monthly, now)).toBeDefined();
    expect(since < (expiryCandidatesBefore(monthly, now) ?? '')).toBe(true);
    expect(expiryCandidatesBefore({ expiry: null }, now)).toBeUndefined();
  });
});

describe('the expiry bucket a write stores as the index key', () => {
  it('moves only earlier than the bucket stored; off the index without points', () => {
    const bought = member(50, '2026-05-20T10:00:00.000Z');
    expect(expiryCheckMonth(bought)).toBe('2026-05');
    // A purchase in a later month does not move the stored bucket on (the job does)…
    expect(expiryCheckMonth({ ...bought, expiryCheckMonth: '2026-03' })).toBe('2026-03');
    // …and a stored bucket is never kept when the real month is earlier.
    expect(expiryCheckMonth({ ...bought, expiryCheckMonth: '2026-07' })).toBe('2026-05');
    expect(expiryCheckMonth({ ...member(0, '2026-05-20T10:00:00.000Z'), expiryCheckMonth: '2026-03' })).toBeUndefined();
    expect(expiryCheckMonth({ ...bought, status: 'erased' })).toBeUndefined();
  });
});

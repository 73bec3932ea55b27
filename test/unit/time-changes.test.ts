import { describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import { newMember, settleCashback, type MemberState } from '@shared/domain/member';
import {
  dueTimeChanges,
  nextTimeChangeAt,
  recheckedAt,
  tierChangeOfWrite,
  tierMarkAt,
  tierReviewAt,
  timeChangesCheckAt,
} from '@shared/domain/time-changes';

const program = defaultProgram;
const member = (changes: Partial<MemberState> = {}): MemberState => ({
  ...newMember({
    memberId: 'm-1',
    referralCode: 'R1',
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: {},
    consent: { marketing: false, analytics: false },
  }),
  ...changes,
});
const withSpend = (spendByDay: Record<string, number>) =>
  member({ purchases: { count: Object.keys(spendByDay).length, spendByDay } });

describe('cashback.available by time alone', () => {
  const pending = member({
    cashback: {
      available: 0,
      pending: [
        { orderId: 'o-1', value: 120, releaseAt: '2026-02-01T10:00:00.000Z' },
        { orderId: 'o-2', value: 80, releaseAt: '2026-02-05T10:00:00.000Z' },
      ],
    },
  });

  it('is due at the earliest release, and announces only the lots released by now', () => {
    expect(nextTimeChangeAt(pending)).toBe('2026-02-01T10:00:00.000Z');
    const now = new Date('2026-02-02T00:00:00.000Z');
    const due = dueTimeChanges(settleCashback(pending, now), program, now);
    expect(due.events).toEqual([
      {
        type: 'cashback.available',
        data: {
          orderId: 'o-1',
          cashback: { value: 120, currency: 'EUR', status: 'available' },
          availableAt: '2026-02-01T10:00:00.000Z',
        },
      },
    ]);
    expect(due.member.cashback).toEqual({
      available: 120,
      pending: [{ orderId: 'o-2', value: 80, releaseAt: '2026-02-05T10:00:00.000Z' }],
    });
    expect(nextTimeChangeAt(due.member)).toBe('2026-02-05T10:00:00.000Z');
    // Applied again at the same instant: nothing more to tell.
    expect(dueTimeChanges(settleCashback(due.member, now), program, now).events).toEqual([]);
  });

  it('keeps a lot a write settled until it is announced (the write does not lose the event)', () => {
    const settledByAWrite = settleCashback(pending, new Date('2026-02-03T00:00:00.000Z'));
    expect(settledByAWrite.cashback.released).toHaveLength(1);
    // Due at once: the lot's release is in the past.
    expect(nextTimeChangeAt(settledByAWrite)).toBe('2026-02-01T10:00:00.000Z');
    const now = new Date('2026-02-03T01:00:00.000Z');
    expect(
      dueTimeChanges(settleCashback(settledByAWrite, now), program, now).events.map((e) => e.data.orderId),
    ).toEqual(['o-1']);
  });

  it('leaves erased members out of the index', () => {
    expect(nextTimeChangeAt({ ...pending, status: 'erased' })).toBeUndefined();
  });
});

describe('tier.changed down by time alone', () => {
  // Silver needs 50 000 in the 365 days up to today: 30 000 on 1 March + 30 000 on 1 June 2026.
  const silver = withSpend({ '2026-03-01': 30_000, '2026-06-01': 30_000 });
  const june = new Date('2026-06-10T12:00:00.000Z');

  it('reviews the tier the day the spend that tips it leaves the 365-day window', () => {
    expect(tierReviewAt(program, silver, 'silver', june)).toBe('2027-03-01T00:00:00.000Z');
    expect(tierReviewAt(program, silver, 'member', june)).toBeUndefined();
    expect(tierMarkAt(program, silver, june)).toEqual({ tier: 'silver', reviewAt: '2027-03-01T00:00:00.000Z' });
    // The last day the March spend counts: still silver; the next: member.
    expect(tierMarkAt(program, silver, new Date('2027-02-28T23:59:59.000Z')).tier).toBe('silver');
    expect(tierMarkAt(program, silver, new Date('2027-03-01T00:00:00.000Z')).tier).toBe('member');
  });

  it('announces the drop once, at or after the review, and then has nothing due', () => {
    const marked = { ...silver, tierMark: tierMarkAt(program, silver, june) };
    expect(nextTimeChangeAt(marked)).toBe('2027-03-01T00:00:00.000Z');
    const now = new Date('2027-03-01T00:30:00.000Z');
    const due = dueTimeChanges(marked, program, now);
    expect(due.events).toEqual([{ type: 'tier.changed', data: { from: 'silver', to: 'member', direction: 'down' } }]);
    expect(due.member.tierMark).toEqual({ tier: 'member' });
    expect(nextTimeChangeAt(due.member)).toBeUndefined();
    expect(dueTimeChanges(due.member, program, now).events).toEqual([]);
  });

  it('moves the review on without an event when purchases since keep the tier', () => {
    const marked = { ...silver, tierMark: tierMarkAt(program, silver, june) };
    const bought = {
      ...marked,
      purchases: { ...marked.purchases, spendByDay: { ...marked.purchases.spendByDay, '2027-01-10': 40_000 } },
    };
    const due = dueTimeChanges(bought, program, new Date('2027-03-01T01:00:00.000Z'));
    expect(due.events).toEqual([]);
    expect(due.member.tierMark).toEqual({ tier: 'silver', reviewAt: '2027-06-01T00:00:00.000Z' });
  });

  it('a write after an unannounced drop tells it from the marked tier', () => {
    const marked = { ...silver, tierMark: tierMarkAt(program, silver, june) };
    const now = new Date('2027-03-02T00:00:00.000Z');
    // A small purchase that does not bring silver back: the write announces silver → member.
    const after = {
      ...marked,
      purchases: { ...marked.purchases, spendByDay: { ...marked.purchases.spendByDay, '2027-03-02': 1_000 } },
    };
    expect(tierChangeOfWrite(program, marked, after, now).change).toEqual({
      from: 'silver',
      to: 'member',
      direction: 'down',
    });
    // One that does: nothing to tell (the member never saw the drop).
    const back = {
      ...marked,
      purchases: { ...marked.purchases, spendByDay: { ...marked.purchases.spendByDay, '2027-03-02': 30_000 } },
    };
    expect(tierChangeOfWrite(program, marked, back, now).change).toBeUndefined();
  });
});

describe('the check a write stores as the index key', () => {
  const pending = (releaseAt: string) => ({ orderId: `o-${releaseAt}`, value: 10, releaseAt });
  const due = (times: string[], checkAt?: string) =>
    member({
      cashback: { available: 0, pending: times.map(pending) },
      ...(checkAt ? { timeChangesCheckAt: checkAt } : {}),
    });

  it('moves only earlier: a write never pushes the check later, the job does', () => {
    // Nothing stored yet: the next change due.
    expect(timeChangesCheckAt(due(['2026-03-01T00:00:00.000Z']))).toBe('2026-03-01T00:00:00.000Z');
    // A change now due earlier than the check: the check moves earlier.
    expect(timeChangesCheckAt(due(['2026-02-01T00:00:00.000Z'], '2026-03-01T00:00:00.000Z'))).toBe(
      '2026-02-01T00:00:00.000Z',
    );
    // Due later than the check (a tier's review pushed on): the check stays.
    const late = due(['2026-04-01T00:00:00.000Z'], '2026-03-01T00:00:00.000Z');
    expect(timeChangesCheckAt(late)).toBe('2026-03-01T00:00:00.000Z');
    // The job moves it on to the change itself.
    expect(timeChangesCheckAt(recheckedAt(late))).toBe('2026-04-01T00:00:00.000Z');
  });

  it('is dropped when nothing is coming', () => {
    const none = due([], '2026-03-01T00:00:00.000Z');
    expect(timeChangesCheckAt(none)).toBeUndefined();
    expect(recheckedAt(none)).not.toHaveProperty('timeChangesCheckAt');
  });
});

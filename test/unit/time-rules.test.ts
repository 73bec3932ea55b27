import { describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import { anniversaryRule } from '@shared/domain/anniversary';
import { newMember, type MemberState } from '@shared/domain/member';
import { localDate, startOfLocalDay } from '@shared/domain/local-time';
import { rescheduled, scheduleKeyAt, scheduledAt, TIME_RULES } from '@shared/domain/time-rules';
import type { Program } from '@shared/schemas/program';

const program = (changes: Partial<Program> = {}): Program =>
  ({
    ...defaultProgram,
    bonuses: { ...defaultProgram.bonuses, anniversary: 100 },
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...changes,
  }) as Program;
const member = (createdAt: string, changes: Partial<MemberState> = {}): MemberState => ({
  ...newMember({
    memberId: 'm-1',
    referralCode: 'R1',
    createdAt,
    profile: {},
    consent: { marketing: false, analytics: false },
  }),
  ...changes,
});
const apply = (m: MemberState, p: Program, now: string) =>
  anniversaryRule.apply({ member: m, program: p, now: new Date(now), book: undefined });

describe('local dates', () => {
  it('tells the calendar date and the start of a day in a time zone, across a DST change', () => {
    expect(localDate(new Date('2029-02-27T23:30:00.000Z'), 'Europe/Paris')).toBe('2029-02-28');
    expect(startOfLocalDay('2029-02-28', 'Europe/Paris').toISOString()).toBe('2029-02-27T23:00:00.000Z');
    expect(startOfLocalDay('2029-07-01', 'Europe/Paris').toISOString()).toBe('2029-06-30T22:00:00.000Z');
    expect(startOfLocalDay('2029-03-10', 'America/Los_Angeles').toISOString()).toBe('2029-03-10T08:00:00.000Z');
    expect(startOfLocalDay('2029-03-12', 'America/Los_Angeles').toISOString()).toBe('2029-03-12T07:00:00.000Z');
  });
});

describe('the anniversary rule', () => {
  const leap = member('2028-02-29T10:00:00.000Z');

  it('is due at the start of the local anniversary day; 29 February on 28 February', () => {
    expect(anniversaryRule.dueAt(leap, program())).toBe('2029-02-28T00:00:00.000Z');
    expect(anniversaryRule.dueAt(leap, program({ timezone: 'Asia/Tokyo' }))).toBe('2029-02-27T15:00:00.000Z');
    // From the member alone (no zone at hand): earlier, never later.
    expect(anniversaryRule.dueAt(leap) ?? '').toBe('2029-02-26T00:00:00.000Z');
    expect(anniversaryRule.dueAt({ ...leap, status: 'erased' }, program())).toBeUndefined();
  });

  it('pays once per year, a bonus entry with the line anniversary and its points.earned', () => {
    expect(apply(leap, program(), '2029-02-27T23:59:59.000Z')).toBeUndefined();
    const paid = apply(leap, program(), '2029-02-28T00:10:00.000Z');
    expect(paid?.movements).toEqual([
      {
        movement: { type: 'bonus', points: 100, breakdown: [{ rule: 'anniversary', points: 100 }] },
        event: 'points.earned',
      },
    ]);
    const after = paid?.member ?? leap;
    expect(after.timeMarks).toEqual({ anniversary: '2029' });
    expect(apply(after, program(), '2029-02-28T23:00:00.000Z')).toBeUndefined();
    expect(apply(after, program(), '2029-12-31T23:00:00.000Z')).toBeUndefined();
    expect(anniversaryRule.dueAt(after, program())).toBe('2030-02-28T00:00:00.000Z');
    // A leap year again: 29 February.
    const later = { ...after, timeMarks: { anniversary: '2031' } };
    expect(anniversaryRule.dueAt(later, program())).toBe('2032-02-29T00:00:00.000Z');
  });

  it('marks without paying a bonus of 0, or an anniversary found more than a week late', () => {
    const none = apply(
      leap,
      program({ bonuses: { ...defaultProgram.bonuses, anniversary: 0 } }),
      '2029-02-28T01:00:00.000Z',
    );
    expect(none).toMatchObject({ movements: [], member: { timeMarks: { anniversary: '2029' } } });
    const stale = apply(member('2020-05-01T10:00:00.000Z'), program(), '2026-06-01T00:00:00.000Z');
    expect(stale).toMatchObject({ movements: [], member: { timeMarks: { anniversary: '2026' } } });
  });
});

describe('the schedule key', () => {
  it('is the earliest due scheduled rule, moved only earlier by a write, exactly by the job', () => {
    const m = member('2026-03-02T10:00:00.000Z');
    expect(scheduledAt(m, program())).toBe('2027-03-02T00:00:00.000Z');
    const pending = {
      ...m,
      cashback: { available: 0, pending: [{ orderId: 'o', value: 1, releaseAt: '2026-03-16T10:00:00.000Z' }] },
    };
    expect(scheduleKeyAt(pending, program())).toBe('2026-03-16T10:00:00.000Z');
    // A key stored earlier stays; the job sets it exactly.
    const early = { ...m, timeChangesCheckAt: '2026-04-01T00:00:00.000Z' };
    expect(scheduleKeyAt(early, program())).toBe('2026-04-01T00:00:00.000Z');
    expect(rescheduled(early, program()).timeChangesCheckAt).toBe('2027-03-02T00:00:00.000Z');
    expect(scheduleKeyAt({ ...m, status: 'erased' }, program())).toBeUndefined();
  });

  it('lists every rule once, by name', () => {
    const names = TIME_RULES.map((rule) => rule.name);
    expect(names).toEqual(['expiry', 'lots', 'time-changes', 'anniversary', 'codes', 'segments', 'campaigns']);
  });
});

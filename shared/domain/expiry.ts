import type { ProgramRules } from '@shared/schemas/program';
import type { MemberState } from './member';

/** Adds calendar months in UTC, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(time: string, months: number): Date {
  const start = new Date(time);
  const target = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  return target;
}

/** When the balance expires: `inactivityMonths` after the last purchase (or enrolment), if the program expires points and there is a positive balance. */
export function pointsExpireAt(member: MemberState, program: Pick<ProgramRules, 'expiry'>): string | undefined {
  if (!program.expiry || member.points.balance <= 0) return undefined;
  return addMonths(member.purchases.lastAt ?? member.createdAt, program.expiry.inactivityMonths).toISOString();
}

import type { ProgramRules } from '@shared/schemas/program';
import { reservedPoints } from './codes';
import type { Movement } from './ledger';
import { planInactivityExpiry } from './lots';
import type { MemberState } from './member';
import { addMonths } from './time';
import type { TimeRule } from './time-rule';

export { addMonths };

/**
 * Where inactivity is counted from: the latest purchase, or enrolment for a member who never
 * bought (or whose only purchases were reported late, from before they enrolled).
 */
export function inactiveSince(member: Pick<MemberState, 'createdAt' | 'purchases'>): string {
  const lastAt = member.purchases.lastAt;
  return lastAt && lastAt > member.createdAt ? lastAt : member.createdAt;
}

/** When the balance expires: `inactivityMonths` after the last purchase (or enrolment), if the program expires points and there is a positive balance. */
export function pointsExpireAt(member: MemberState, program: Pick<ProgramRules, 'expiry'>): string | undefined {
  // Lot expiry (afterMonths) dates each credit instead: see lots.ts.
  const months = program.expiry?.inactivityMonths;
  if (months === undefined || expirablePoints(member) <= 0 || member.status !== 'active') return undefined;
  return addMonths(inactiveSince(member), months).toISOString();
}

/**
 * What inactivity expiry may take: the balance less the points reserved for codes charged at use
 * (those are promised: the use charges them; a cancel or the code's expiry gives them back to the
 * balance, and the next run takes them if the member is still inactive). With lots, see lots.ts
 * "Reservations": what the reservation held is kept apart.
 */
export function expirablePoints(member: Pick<MemberState, 'points'>): number {
  return member.points.balance - reservedPoints(member);
}

/** The `expiry` movement that takes a due balance to zero, or nothing when the member's points are not due. */
export function expiryMovement(
  member: MemberState,
  program: Pick<ProgramRules, 'expiry'>,
  now: Date,
): Movement | undefined {
  const expiresAt = pointsExpireAt(member, program);
  if (!expiresAt || Date.parse(expiresAt) > now.getTime()) return undefined;
  const points = -expirablePoints(member);
  return { type: 'expiry', points, breakdown: [{ rule: 'inactivity', points }] };
}

/** The fewest months a program may expire points after (shared/schemas/program.ts). */
const FEWEST_INACTIVITY_MONTHS = 1;

/**
 * Inactivity expiry as a time rule: every point (with lots: every available lot; pending lots, in
 * a return window, survive) expires `inactivityMonths` after the last purchase. Due then, with the
 * program; from the member alone, the fewest months any program may set (never later). A program
 * that brings expiry earlier is made to reach every member by a re-key pass of the schedule key
 * (shared/app/jobs/schedule-key-migration.ts).
 */
export const inactivityExpiryRule: TimeRule = {
  name: 'expiry',
  lots: true,
  dueAt: (member, program) =>
    pointsExpireAt(member, program ?? { expiry: { inactivityMonths: FEWEST_INACTIVITY_MONTHS } }),
  apply({ member, program, now, book }) {
    const due = expiryMovement(member, program, now);
    const movement = due && book ? planInactivityExpiry(book, now, reservedPoints(member)).movement : due;
    if (!movement) return undefined;
    return {
      member,
      movements: [{ movement, event: 'points.expired' }],
      events: [],
      tally: { expired: 1, pointsExpired: -movement.points },
    };
  },
};

import type { ProgramRules } from '@shared/schemas/program';
import { reservedPoints } from './codes';
import type { Movement } from './ledger';
import { planInactivityExpiry } from './lots';
import type { MemberState } from './member';
import { addMonths, DAY_MS } from './time';
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

/** The UTC month (YYYY-MM) inactivity is counted from: the expiry index's bucket. */
export const inactiveMonth = (member: Pick<MemberState, 'createdAt' | 'purchases'>): string =>
  inactiveSince(member).slice(0, 7);

/**
 * The bucket a write stores as the member's expiry index key (undefined: off the index, nothing
 * could expire). Like the time-changes check, a write moves it only EARLIER than the bucket
 * already stored, never later: a purchase in a new month would otherwise move the entry (a
 * delete and a put on the index). A bucket left early is harmless: the job's cut-off offers
 * the member sooner, the job checks it exactly (`expiryMovement`) and, with nothing due, moves
 * the bucket on to `inactiveMonth`. One re-key per member per inactivity period, not per month.
 */
export function expiryCheckMonth(member: MemberState): string | undefined {
  if (member.status !== 'active' || expirablePoints(member) <= 0) return undefined;
  const month = inactiveMonth(member);
  const stored = member.expiryCheckMonth;
  return stored !== undefined && stored < month ? stored : month;
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

/**
 * The latest inactivity start that may be due now. Calendar months clamp (31 March + 1 month
 * = 30 April), so subtracting months is not an exact inverse: the cut-off is a few days
 * generous and each candidate is checked exactly with `expiryMovement`.
 */
export function expiryCandidatesBefore(program: Pick<ProgramRules, 'expiry'>, now: Date): string | undefined {
  const months = program.expiry?.inactivityMonths;
  if (months === undefined) return undefined;
  return new Date(addMonths(now.toISOString(), -months).getTime() + 3 * DAY_MS).toISOString();
}

/**
 * Inactivity expiry as a time rule: every point (with lots: every available lot; pending lots, in
 * a return window, survive) expires `inactivityMonths` after the last purchase. It keeps its own
 * index (GSI2, by the month inactivity counts from, `expiryCheckMonth`): the due time depends on the
 * program's months, and a change of them must reach every member at the next run without a re-key.
 */
export const inactivityExpiryRule: TimeRule = {
  name: 'expiry',
  lots: true,
  ownIndex: true,
  dueAt: (member, program) => (program ? pointsExpireAt(member, program) : undefined),
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

/** The expiry index's month as the job leaves it: exactly where inactivity counts from (a write only moves it earlier). */
export function expiryMonthRechecked(member: MemberState): MemberState {
  const month = inactiveMonth(member);
  if (member.expiryCheckMonth === undefined || member.expiryCheckMonth >= month) return member;
  return { ...member, expiryCheckMonth: month };
}

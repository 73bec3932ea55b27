import type { Program } from '@shared/schemas/program';
import { anniversaryRule } from './anniversary';
import { owedCampaignsRule } from './campaigns';
import { codesExpiryRule } from './codes';
import { inactivityExpiryRule } from './expiry';
import { lotTimeRule } from './lot-time';
import type { MemberState } from './member';
import { segmentsTimeRule } from './segments';
import { timeChangesRule } from './time-changes';
import { earliest, type TimeRule } from './time-rule';

/**
 * Every rule of what happens by time alone, in the order the time job applies them to a member
 * (one transaction each). A new rule: its module (a `TimeRule`) and one line here; it is then
 * part of the member's schedule key, found by the job and applied, with nothing else to wire.
 */
export const TIME_RULES: readonly TimeRule[] = [
  inactivityExpiryRule,
  lotTimeRule,
  timeChangesRule,
  anniversaryRule,
  codesExpiryRule,
  segmentsTimeRule,
  owedCampaignsRule,
];

/** When a rule is next due for the member: exact with the program, never later without. */
export function scheduledAt(
  member: MemberState,
  program?: Program,
  rules: readonly TimeRule[] = TIME_RULES,
): string | undefined {
  if (member.status !== 'active') return undefined;
  return earliest(rules.map((rule) => rule.dueAt(member, program)));
}

/**
 * The schedule key a write stores: when the job should next look at the member. A write moves
 * it only EARLIER than the key already stored (or sets it when there is none), never later:
 * every purchase pushes a tier's review later, and following it would cost an index delete and
 * put on every earn. A key left early is harmless: the job, offered the member with nothing due
 * yet, moves the key on (`rescheduled`), so each change is still applied at most one schedule
 * period late. Undefined (off the index) when nothing is coming.
 */
export function scheduleKeyAt(member: MemberState, program?: Program): string | undefined {
  const due = scheduledAt(member, program);
  if (due === undefined) return undefined;
  const stored = member.timeChangesCheckAt;
  return stored !== undefined && stored < due ? stored : due;
}

/**
 * The key of a write whose key was set already (the time job's, exact) once the write's hooks ran:
 * a hook that changed the member after (the lots', crediting a bonus as a lot) may have brought a
 * rule earlier, never later than it is due.
 */
export function keyAfterHooks(member: MemberState, program?: Program): string | undefined {
  return earliest([member.timeChangesCheckAt, scheduledAt(member, program)]);
}

/** The member as the time job leaves it: its keys exactly where its rules are next due. */
export function rescheduled(member: MemberState, program: Program): MemberState {
  const { timeChangesCheckAt: _stored, ...rest } = member;
  const due = scheduledAt(rest, program);
  return due === undefined ? rest : { ...rest, timeChangesCheckAt: due };
}

/** Whether a rule is due for the member at `now`. */
export const isDue = (rule: TimeRule, member: MemberState, program: Program, now: Date): boolean =>
  (rule.dueAt(member, program) ?? '~') <= now.toISOString();

import type { ProgramRules } from '@shared/schemas/program';
import type { EventDraft } from './events';
import type { MemberState, TierMark } from './member';
import { DAY_MS } from './time';
import type { TimeRule } from './time-rule';
import { dayOf, qualifyingSpend, TIER_WINDOW_DAYS, tierFor, tierRank, type TierChange } from './tiers';

/*
 * Changes by time alone: nothing is written when they happen, so no request emits their event.
 * The time-changes job (shared/app/jobs/announce-time-changes.ts) finds the members with one due
 * through a sparse index keyed by `timeChangesCheckAt` (no scan: never later than
 * `nextTimeChangeAt`, moved earlier by writes and later only by the job), asks `dueTimeChanges` what is
 * due for that member now, and commits the member's next state and the events in one
 * transaction. Each rule keeps a mark in the member (what was announced), so a re-run, or a
 * run after a write that touched the member, emits nothing twice and loses nothing.
 *
 * The seam for points lots (pending points becoming available, `points.expiring` reminders):
 * add a rule to TIME_CHANGE_RULES. A rule's `dueAt` must be readable from the member item alone
 * (it is the index key, computed at every write without the program), and `apply` must move
 * the member's mark so that, once applied, `dueAt` is later than `now` (or undefined).
 */
export interface TimeChangeRule {
  name: string;
  /** When this rule next has something to do for the member (ISO time), or undefined for never. */
  dueAt(member: MemberState): string | undefined;
  /** What is due at `now`: the member with its mark moved on, and the events to emit (in order). */
  apply(member: MemberState, program: Pick<ProgramRules, 'tiers' | 'currency'>, now: Date): TimeChanges;
}

export interface TimeChanges {
  member: MemberState;
  events: EventDraft[];
}

const earliest = (times: readonly (string | undefined)[]): string | undefined =>
  times.reduce<string | undefined>(
    (min, time) => (time !== undefined && (min === undefined || time < min) ? time : min),
    undefined,
  );

/**
 * `cashback.available`: a pending lot whose hold ended. Settling (shared/domain/member.ts) moves
 * it to `cashback.released` on whatever read-then-write comes first, and this rule announces
 * and forgets what was released. Due at the earliest release of a pending or released lot.
 */
export const cashbackAvailableRule: TimeChangeRule = {
  name: 'cashback.available',
  dueAt: (member) =>
    earliest([...member.cashback.pending, ...(member.cashback.released ?? [])].map((lot) => lot.releaseAt)),
  apply: (member, program) => {
    const released = member.cashback.released ?? [];
    if (released.length === 0) return { member, events: [] };
    const { released: _announced, ...cashback } = member.cashback;
    return {
      member: { ...member, cashback },
      events: released.map((lot) => ({
        type: 'cashback.available',
        data: {
          orderId: lot.orderId,
          cashback: { value: lot.value, currency: program.currency, status: 'available' },
          availableAt: lot.releaseAt,
        },
      })),
    };
  },
};

/**
 * When the qualifying spend, with no further purchase, falls below `tierId`'s threshold: the
 * start of the day the spend day that tips it leaves the 365-day window. Undefined for the
 * entry tier (nothing to drop to) and for a tier the program no longer has.
 */
export function tierReviewAt(
  program: Pick<ProgramRules, 'tiers'>,
  member: Pick<MemberState, 'purchases'>,
  tierId: string,
  now: Date,
): string | undefined {
  const rank = tierRank(program, tierId);
  const threshold = program.tiers[rank]?.minQualifyingSpend.value;
  if (rank <= 0 || threshold === undefined) return undefined;
  let spend = qualifyingSpend(member, now);
  const today = dayOf(now);
  const from = dayOf(new Date(now.getTime() - (TIER_WINDOW_DAYS - 1) * DAY_MS));
  const days = Object.entries(member.purchases.spendByDay)
    .filter(([day]) => day >= from && day <= today)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [day, value] of days) {
    spend -= value;
    if (spend < threshold)
      return new Date(Date.parse(`${day}T00:00:00.000Z`) + TIER_WINDOW_DAYS * DAY_MS).toISOString();
  }
  return undefined;
}

/** The mark of the tier the member holds at `now`, with when it can next drop. */
export function tierMarkAt(
  program: Pick<ProgramRules, 'tiers'>,
  member: Pick<MemberState, 'purchases'>,
  now: Date,
): TierMark {
  const tier = tierFor(program, qualifyingSpend(member, now)).tier.id;
  const reviewAt = tierReviewAt(program, member, tier, now);
  return reviewAt ? { tier, reviewAt } : { tier };
}

/**
 * The `tier.changed` of a write: from the tier receivers were last told about (the mark), or,
 * for a member with no mark yet, the tier before the write at the same instant, to the tier
 * after it. A drop by time not yet announced is thus announced by the next write that changes
 * the tier (and a drop undone by that write before any announcement emits nothing).
 */
export function tierChangeOfWrite(
  program: Pick<ProgramRules, 'tiers'>,
  before: Pick<MemberState, 'purchases' | 'tierMark'>,
  after: Pick<MemberState, 'purchases'>,
  now: Date,
): { mark: TierMark; change?: TierChange } {
  const from = before.tierMark?.tier ?? tierFor(program, qualifyingSpend(before, now)).tier.id;
  const mark = tierMarkAt(program, after, now);
  if (from === mark.tier) return { mark };
  const direction = tierRank(program, mark.tier) > tierRank(program, from) ? 'up' : 'down';
  return { mark, change: { from, to: mark.tier, direction } };
}

/**
 * `tier.changed` by time alone: old spend left the window and the tier in force is no longer the
 * marked one. Due at the mark's `reviewAt`. A member without a mark (none written yet) gets one
 * and no event. A program change can move a tier too; it is announced the same way, at the
 * latest at the next review.
 */
export const tierDropRule: TimeChangeRule = {
  name: 'tier.changed',
  dueAt: (member) => member.tierMark?.reviewAt,
  apply: (member, program, now) => {
    const mark = tierMarkAt(program, member, now);
    const from = member.tierMark?.tier;
    const next = { ...member, tierMark: mark };
    if (from === undefined || from === mark.tier) return { member: next, events: [] };
    const direction = tierRank(program, mark.tier) > tierRank(program, from) ? 'up' : 'down';
    return { member: next, events: [{ type: 'tier.changed', data: { from, to: mark.tier, direction } }] };
  },
};

/** Every rule, in the order their events are emitted within one member's change. */
export const TIME_CHANGE_RULES: readonly TimeChangeRule[] = [cashbackAvailableRule, tierDropRule];

/** The index key: when the member next has a change by time due (undefined: not in the index). */
export function nextTimeChangeAt(member: MemberState, rules = TIME_CHANGE_RULES): string | undefined {
  if (member.status !== 'active') return undefined;
  return earliest(rules.map((rule) => rule.dueAt(member)));
}

/**
 * The check time a write stores as the member's index key: when the job should next look at the
 * member. A write moves it only EARLIER than the check already stored (or sets it when there is
 * none), never later: every purchase pushes a tier's review later, and following it would cost an
 * index delete and put on every earn. A check left early is harmless: the job, offered the member
 * with nothing due yet, decides on fresh state (no event) and moves the check on to
 * `nextTimeChangeAt` (`recheckedAt`), so each change is still announced at most one schedule
 * period late, and the cost is one re-key per member per due period instead of one per write.
 * Undefined (off the index) when nothing is coming.
 */
export function timeChangesCheckAt(member: MemberState): string | undefined {
  const due = nextTimeChangeAt(member);
  if (due === undefined) return undefined;
  const stored = member.timeChangesCheckAt;
  return stored !== undefined && stored < due ? stored : due;
}

/** The member with its check moved to exactly when its next change is due: what the job stores. */
export function recheckedAt(member: MemberState): MemberState {
  const { timeChangesCheckAt: _stored, ...rest } = member;
  const due = nextTimeChangeAt(rest);
  return due === undefined ? rest : { ...member, timeChangesCheckAt: due };
}

/**
 * What changes by time are due for the member at `now` (the member read fresh, with its cashback
 * settled): the next state and the events, in rule order. Every rule is applied (one not due
 * emits nothing and only refreshes its mark), so the state's index key is right afterwards.
 * Pure; applying it twice emits nothing the second time.
 */
export function dueTimeChanges(
  member: MemberState,
  program: Pick<ProgramRules, 'tiers' | 'currency'>,
  now: Date,
  rules = TIME_CHANGE_RULES,
): TimeChanges {
  let changes: TimeChanges = { member, events: [] };
  for (const rule of rules) {
    const applied = rule.apply(changes.member, program, now);
    changes = { member: applied.member, events: [...changes.events, ...applied.events] };
  }
  return changes;
}

/**
 * The changes by time alone (`cashback.available`, `tier.changed` down) as one rule of the time
 * job: every change rule applied together, so a member's marks are all right after one write.
 */
export const timeChangesRule: TimeRule = {
  name: 'time-changes',
  dueAt: (member) => nextTimeChangeAt(member),
  apply({ member, program, now }) {
    const due = dueTimeChanges(member, program, now);
    if (due.events.length === 0 && JSON.stringify(due.member) === JSON.stringify(member)) return undefined;
    return { member: due.member, movements: [], events: due.events };
  },
};

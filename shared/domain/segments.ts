import type { ProgramRules } from '@shared/schemas/program';
import type { SegmentCondition, SegmentRules } from '@shared/schemas/segments';
import { birthdayIn } from './earn';
import type { MemberState } from './member';
import { DAY_MS } from './time';
import type { TimeRule } from './time-rule';
import { qualifyingSpend, tierFor, TIER_WINDOW_DAYS } from './tiers';

/**
 * Segments: named sets of members, by rules over what the engine keeps on the member item
 * (purchases, rolling spend, balance, tier, enrolment, birthday, consent, last channel) or as a
 * list the admin keeps. Pure: which segments a member is in at an instant, since when, and the
 * next instant a time condition (`olderThan`, `within`, spend leaving the 365-day window) would
 * change that by time alone — the member's next due time for the segments' time rule.
 *
 * The memberships live on the member item (`segments: { [segmentId]: since }`); the hook that
 * keeps them current in every member write is shared/app/support/segment-membership.ts.
 */

export interface SegmentDefinition {
  segmentId: string;
  name: string;
  /** Absent: a list segment. */
  rules?: SegmentRules;
  /**
   * When this segment began (its creation, or its change between list and rules): a membership
   * whose `since` is older belongs to an earlier segment of the same id, and does not count.
   */
  startedAt: string;
}

/** What a condition needs besides the member: the instant, and the program's tiers. */
export interface SegmentContext {
  now: Date;
  program: Pick<ProgramRules, 'tiers'>;
}

/** Whether a condition holds now, and the next instant (epoch ms, after now) it could change by time alone. */
export interface Verdict {
  holds: boolean;
  flipsAt?: number;
}

export const periodDays = (period: string): number => Number(period.slice(1, -1));

const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** `olderThan` / `within` a period, of an instant (none: neither holds, nothing changes by time). */
function ageVerdict(at: string | undefined, op: 'olderThan' | 'within', period: string, now: number): Verdict {
  if (at === undefined) return { holds: false };
  const boundary = Date.parse(at) + periodDays(period) * DAY_MS;
  const older = now >= boundary;
  const holds = op === 'olderThan' ? older : !older;
  return older ? { holds } : { holds, flipsAt: boundary };
}

/**
 * The next birthday (by UTC date, today included) at most `period` days away. Enters at the
 * start of the day `n` days before it; leaves at the start of the day after it.
 */
function birthdayVerdict(birthday: string | undefined, period: string, now: number): Verdict {
  if (birthday === undefined) return { holds: false };
  const today = startOfDay(now);
  const year = new Date(today).getUTCFullYear();
  let next = birthdayIn(birthday, year).getTime();
  if (next < today) next = birthdayIn(birthday, year + 1).getTime();
  const enters = next - periodDays(period) * DAY_MS;
  return today >= enters ? { holds: true, flipsAt: next + DAY_MS } : { holds: false, flipsAt: enters };
}

/**
 * Net qualifying spend of the last 365 days against a threshold, and when the comparison next
 * changes as days leave the window (or a purchase dated tomorrow enters it).
 */
function spendVerdict(member: MemberState, op: 'gte' | 'lte', threshold: number, now: Date): Verdict {
  const compare = (spend: number) => (op === 'gte' ? spend >= threshold : spend <= threshold);
  const holds = compare(qualifyingSpend(member, now));
  const today = startOfDay(now.getTime());
  const windowStart = today - (TIER_WINDOW_DAYS - 1) * DAY_MS;
  let total = 0;
  const changes = new Map<number, number>();
  const change = (at: number, delta: number) => changes.set(at, (changes.get(at) ?? 0) + delta);
  for (const [day, value] of Object.entries(member.purchases.spendByDay)) {
    const start = Date.parse(`${day}T00:00:00.000Z`);
    if (start < windowStart) continue;
    if (start <= today) total += value;
    else change(start, value);
    change(start + TIER_WINDOW_DAYS * DAY_MS, -value);
  }
  for (const at of [...changes.keys()].sort((a, b) => a - b)) {
    total += changes.get(at) ?? 0;
    if (compare(Math.max(0, total)) !== holds) return { holds, flipsAt: at };
  }
  return { holds };
}

/** The tier the member holds now (as the member view shows it). */
export function currentTierId(member: MemberState, context: SegmentContext): string {
  return tierFor(context.program, qualifyingSpend(member, context.now)).tier.id;
}

export function conditionVerdict(condition: SegmentCondition, member: MemberState, context: SegmentContext): Verdict {
  const now = context.now.getTime();
  switch (condition.field) {
    case 'purchases.count': {
      const count = member.purchases.count;
      const { op, value } = condition;
      return { holds: op === 'gte' ? count >= value : op === 'lte' ? count <= value : count === value };
    }
    case 'purchases.lastAt':
      return ageVerdict(member.purchases.lastAt, condition.op, condition.value, now);
    case 'enrolledAt':
      return ageVerdict(member.createdAt, condition.op, condition.value, now);
    case 'spend.rolling12m':
      return spendVerdict(member, condition.op, condition.value.value, context.now);
    case 'points.balance': {
      const balance = member.points.balance;
      return { holds: condition.op === 'gte' ? balance >= condition.value : balance <= condition.value };
    }
    case 'tier':
      return { holds: condition.value.includes(currentTierId(member, context)) };
    case 'birthday':
      return birthdayVerdict(member.profile.birthday, condition.value, now);
    case 'consent.marketing':
      return { holds: member.consent.marketing === condition.value };
    case 'channel.last': {
      const channel = member.purchases.lastChannel;
      return { holds: channel !== undefined && condition.value.includes(channel) };
    }
  }
}

const earliestOf = (verdicts: readonly Verdict[]): number | undefined =>
  verdicts.reduce<number | undefined>(
    (min, verdict) =>
      verdict.flipsAt !== undefined && (min === undefined || verdict.flipsAt < min) ? verdict.flipsAt : min,
    undefined,
  );

/**
 * Whether the rules hold, and when they could next change by time alone. Exact where one
 * condition decides (an `all` that holds ends when its first condition ends; an `any` that does
 * not hold starts when its first condition starts); otherwise the earliest instant any condition
 * changes, which may be early (the job then finds nothing changed and moves on), never late.
 * Undefined when no time can change it: an `all` with a false condition that time never makes
 * true, an `any` with a true condition that time never makes false.
 */
export function rulesVerdict(rules: SegmentRules, member: MemberState, context: SegmentContext): Verdict {
  const all = rules.all !== undefined;
  const verdicts = (rules.all ?? rules.any ?? []).map((condition) => conditionVerdict(condition, member, context));
  const holds = all ? verdicts.every((v) => v.holds) : verdicts.some((v) => v.holds);
  // The conditions that keep the result as it is: false ones of an `all`, true ones of an `any`.
  const keeping = verdicts.filter((v) => v.holds !== all);
  if (keeping.some((v) => v.flipsAt === undefined)) return { holds };
  const flipsAt = earliestOf(keeping.length > 0 ? keeping : verdicts);
  return flipsAt === undefined ? { holds } : { holds, flipsAt };
}

/** An admin's change of a list segment's members. */
export interface ListChange {
  segmentId: string;
  action: 'add' | 'remove';
}

export interface MembershipPlan {
  /** The member's memberships after the write: `{ segmentId: since }`. */
  segments: Record<string, string>;
  entered: string[];
  left: string[];
  /** The next instant a rules segment of the member could change by time alone (ISO), if any. */
  dueAt?: string;
  /** Some entries or exits were left for later (`planWithin`): the member is due at once. */
  backlog?: true;
}

/**
 * The plan cut to at most `maxChanges` entries and exits — an admin's list changes first, then
 * in segment order — when the write's transaction has no room for more (each is a membership
 * item, a size counter and an event). The others stay as the member had them; the member is due
 * at once (`dueAt` now, `backlog`), so the segments' time rule makes them: a write never fails
 * for the room its memberships take.
 */
export function planWithin(
  plan: MembershipPlan,
  member: Pick<MemberState, 'segments'>,
  maxChanges: number,
  now: Date,
  listed: ReadonlySet<string> = new Set(),
): MembershipPlan {
  const changes = [...plan.entered, ...plan.left].sort(
    (a, b) => Number(listed.has(b)) - Number(listed.has(a)) || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (changes.length <= maxChanges) return plan;
  const kept = new Set(changes.slice(0, Math.max(0, maxChanges)));
  const segments = { ...plan.segments };
  for (const segmentId of plan.entered) if (!kept.has(segmentId)) delete segments[segmentId];
  for (const segmentId of plan.left) {
    const since = member.segments?.[segmentId];
    if (!kept.has(segmentId) && since !== undefined) segments[segmentId] = since;
  }
  const nowIso = now.toISOString();
  return {
    segments,
    entered: plan.entered.filter((segmentId) => kept.has(segmentId)),
    left: plan.left.filter((segmentId) => kept.has(segmentId)),
    dueAt: plan.dueAt !== undefined && plan.dueAt < nowIso ? plan.dueAt : nowIso,
    backlog: true,
  };
}

/** A stored membership that belongs to this segment (not to an earlier one of the same id). */
function heldSince(member: Pick<MemberState, 'segments'>, segment: SegmentDefinition): string | undefined {
  const since = member.segments?.[segment.segmentId];
  return since !== undefined && since >= segment.startedAt ? since : undefined;
}

/**
 * The member's memberships as they are after a write at `now`: every rules segment evaluated,
 * list segments kept as stored with the admin's changes applied, an erased member in none.
 * Memberships of segments the catalog does not know are kept as they are (a segment created
 * since this instance read its catalog), except those of `deleted` segments, which are dropped.
 */
export function planMemberships(
  member: MemberState,
  catalog: readonly SegmentDefinition[],
  context: SegmentContext,
  options: { listChanges?: readonly ListChange[]; deleted?: ReadonlySet<string> } = {},
): MembershipPlan {
  const nowIso = context.now.toISOString();
  const active = member.status === 'active';
  const known = new Set(catalog.map((segment) => segment.segmentId));
  const segments: Record<string, string> = {};
  for (const [segmentId, since] of Object.entries(member.segments ?? {}))
    if (active && !known.has(segmentId) && !options.deleted?.has(segmentId)) segments[segmentId] = since;
  const entered: string[] = [];
  const left: string[] = [];
  let due: number | undefined;
  for (const segment of [...catalog].sort((a, b) => (a.segmentId < b.segmentId ? -1 : 1))) {
    const since = heldSince(member, segment);
    let inSegment: boolean;
    if (!active) inSegment = false;
    else if (segment.rules) {
      const verdict = rulesVerdict(segment.rules, member, context);
      inSegment = verdict.holds;
      if (verdict.flipsAt !== undefined && (due === undefined || verdict.flipsAt < due)) due = verdict.flipsAt;
    } else {
      const changes = options.listChanges?.filter((change) => change.segmentId === segment.segmentId) ?? [];
      const last = changes.at(-1);
      inSegment = last ? last.action === 'add' : since !== undefined;
    }
    if (inSegment) segments[segment.segmentId] = since ?? nowIso;
    if (inSegment && since === undefined) entered.push(segment.segmentId);
    if (!inSegment && since !== undefined) left.push(segment.segmentId);
  }
  return { segments, entered, left, ...(due !== undefined ? { dueAt: new Date(due).toISOString() } : {}) };
}

/**
 * The segments' time rule: due when a rules segment of the member could change by time alone
 * (`segmentsDueAt`, kept by every write). Applying it clears the mark; the write it makes goes
 * through the membership hook like any member write, which evaluates the member at that instant
 * and sets the next due time.
 */
export const segmentsTimeRule: TimeRule = {
  name: 'segments',
  dueAt: (member) => member.segmentsDueAt,
  apply: ({ member }) => {
    const { segmentsDueAt: _due, ...rest } = member;
    // A backlog (entries a write had no room for): the membership hook makes the next batch in
    // this write, and the job comes back to the member in the same run for the batch after.
    return { member: rest, movements: [], events: [], ...(member.segmentsBacklog ? { more: true } : {}) };
  },
};

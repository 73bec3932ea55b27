import type { MemberState } from '@shared/domain/member';
import { planMemberships, planWithin, type MembershipPlan, type SegmentDefinition } from '@shared/domain/segments';
import { rescheduled } from '@shared/domain/time-rules';
import type { Program } from '@shared/schemas/program';
import type { ConditionalWrite, MemberWrite } from '@shared/store/commit';
import { membershipDelete, membershipPut, segmentShardOf, segmentSizeAdd } from '@shared/store/items/segment-member';
import { cachedProgram, currentProgram } from '@shared/store/program';
import { segmentCatalog } from '@shared/store/segments';
import type { Outcome } from './outcome';
import { roomLeft } from './transaction-room';

/**
 * Segment memberships in the use cases: one hook, `applySegmentMemberships`, that `execute` runs
 * on every outcome before it is committed. For each member the outcome writes it evaluates the
 * member as the write leaves it against every segment (shared/domain/segments.ts), and adds to
 * the SAME transaction: the member's memberships and next due time, the segment's membership
 * item and size shard for each segment entered or left, and the `segment.entered` /
 * `segment.left` events after the member's other events. No read is added: the catalog and the
 * program are this instance's cached ones. Use cases know nothing of segments, except the admin's
 * list changes (`MemberWrite.listChanges`).
 */

/** What one member write changed in the member's segments: the ids entered and left, and the segments. */
export interface MembershipChange {
  write: MemberWrite;
  entered: SegmentDefinition[];
  left: SegmentDefinition[];
  at: Date;
}

export async function applySegmentMemberships(decided: Outcome<unknown>, at: Date): Promise<void> {
  if (decided.members.length === 0) return;
  const catalog = await segmentCatalog();
  const touched = (member: MemberState) => member.segments !== undefined || member.segmentsDueAt !== undefined;
  if (catalog.segments.length === 0 && !decided.members.some((write) => touched(write.member))) return;
  const program = cachedProgram() ?? (await currentProgram());
  const definitions = catalog.segments.map((stored) => stored.segment);
  const byId = new Map(definitions.map((segment) => [segment.segmentId, segment]));
  const sizes = new Map<string, { segment: SegmentDefinition; shard: number; delta: number }>();
  for (const write of decided.members) {
    const planned = planMemberships(
      write.member,
      definitions,
      { now: at, program },
      { ...(write.listChanges ? { listChanges: write.listChanges } : {}), deleted: catalog.deleted },
    );
    // Each entry or exit adds a membership item, an event and (at most) a size counter.
    const room = roomLeft(decided) - sizes.size;
    const listed = new Set((write.listChanges ?? []).map((change) => change.segmentId));
    const plan = planWithin(planned, write.member, Math.floor(room / ITEMS_PER_CHANGE), at, listed);
    write.member = withPlan(write.member, plan, write.scheduleSet === true, program);
    const change: MembershipChange = {
      write,
      entered: plan.entered.flatMap((id) => byId.get(id) ?? []),
      left: plan.left.flatMap((id) => byId.get(id) ?? []),
      at,
    };
    for (const [segments, delta] of [
      [change.entered, 1],
      [change.left, -1],
    ] as const) {
      for (const segment of segments) {
        const shard = segmentShardOf(write.member.memberId);
        const key = `${segment.segmentId} ${shard}`;
        const counted = sizes.get(key) ?? { segment, shard, delta: 0 };
        counted.delta += delta;
        sizes.set(key, counted);
      }
    }
    onMembershipChange(decided, change);
  }
  // One counter update per shard touched: a transaction may name an item once.
  for (const { segment, shard, delta } of sizes.values())
    if (delta !== 0) decided.writes.push({ item: segmentSizeAdd(segment, shard, delta) } satisfies ConditionalWrite);
}

/**
 * THE point where a member's entered and left segments are known, inside the transaction being
 * built: the membership items and the events join the outcome here; what acts on entering a
 * segment adds its writes and events to `decided` here too, in the same transaction.
 */
function onMembershipChange(decided: Outcome<unknown>, change: MembershipChange): void {
  const { memberId } = change.write.member;
  for (const segment of change.entered) {
    const since = change.write.member.segments?.[segment.segmentId] ?? change.at.toISOString();
    decided.writes.push({ item: membershipPut(segment, memberId, since) });
    decided.events.push({ type: 'segment.entered', memberId, data: { segmentId: segment.segmentId } });
  }
  for (const segment of change.left) {
    decided.writes.push({ item: membershipDelete(segment, memberId) });
    decided.events.push({ type: 'segment.left', memberId, data: { segmentId: segment.segmentId } });
  }
}

const ITEMS_PER_CHANGE = 3;

/** The member with its memberships and next due time; a key the job set is moved to match. */
function withPlan(member: MemberState, plan: MembershipPlan, scheduleSet: boolean, program: Program): MemberState {
  const { segments: _segments, segmentsDueAt: _due, segmentsBacklog: _backlog, ...rest } = member;
  const next: MemberState = {
    ...rest,
    ...(Object.keys(plan.segments).length > 0 ? { segments: plan.segments } : {}),
    ...(plan.dueAt !== undefined ? { segmentsDueAt: plan.dueAt } : {}),
    ...(plan.backlog ? { segmentsBacklog: true as const } : {}),
  };
  // The time job keys its writes itself (scheduleSet): a due time that moved moves its key too.
  return scheduleSet && plan.dueAt !== member.segmentsDueAt ? rescheduled(next, program) : next;
}

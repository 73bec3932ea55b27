import { inactiveSince } from '@shared/domain/expiry';
import type { MemberState } from '@shared/domain/member';
import { nextTimeChangeAt } from '@shared/domain/time-changes';
import { getItem } from '../get';
import { indexKeys, memberPartition } from '../keys';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** The member item: profile, balances and per-member facts, one per member partition. */
export const memberKey = (memberId: string) => ({ PK: memberPartition(memberId), SK: 'PROFILE' });

export function memberToItem(member: MemberState): Item {
  // GSI2 (points expiry) holds only members whose points could expire: active, positive balance.
  const expiry =
    member.status === 'active' && member.points.balance > 0
      ? indexKeys.pointsExpiry(member.memberId, inactiveSince(member))
      : {};
  // GSI4 (changes by time alone) holds only members with one coming, by when it is due.
  const dueAt = nextTimeChangeAt(member);
  const timeChange = dueAt ? indexKeys.timeChangeDue(member.memberId, dueAt) : {};
  // Not on GSI1: a member is written on every use case, and an indexed copy would double each write.
  // Enrolments reach the metrics job through the referral-code claim, written once (./referral-code.ts).
  return { ...memberKey(member.memberId), entity: 'member', ...member, ...expiry, ...timeChange };
}

export function itemToMember(item: Item): MemberState {
  return withoutStorageAttributes(item) as unknown as MemberState;
}

export async function findMember(memberId: string): Promise<MemberState | undefined> {
  const item = await getItem(memberKey(memberId));
  return item ? itemToMember(item) : undefined;
}

/** The member's next state, one version on from the one read (null: a member that does not exist yet). */
export function memberPut(member: MemberState, expectedVersion: number | null): TransactItem {
  const next = { ...member, version: (expectedVersion ?? 0) + 1 };
  return versionedPut(memberToItem(next), expectedVersion ?? undefined);
}

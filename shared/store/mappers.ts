import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { inactiveSince } from '@shared/domain/expiry';
import type { RewardState } from '@shared/domain/rewards';
import { keys } from './keys';

/** Item ↔ domain mappers: the only code that knows which attributes an item has. */
type Item = Record<string, unknown>;

export function memberToItem(member: MemberState): Item {
  // GSI2 (points expiry) holds only members whose points could expire: active, positive balance.
  const expiry =
    member.status === 'active' && member.points.balance > 0
      ? keys.pointsExpiry(member.memberId, inactiveSince(member))
      : {};
  // Not on GSI1: a member is written on every use case, and an indexed copy would double each write.
  // Enrolments reach the metrics job through the referral-code claim, written once (shared/store/enrolment.ts).
  return { ...keys.member(member.memberId), entity: 'member', ...member, ...expiry };
}

export function itemToMember(item: Item): MemberState {
  const { PK: _pk, SK: _sk, entity: _entity, GSI1PK: _g1, GSI1SK: _g1s, GSI2PK: _g2, GSI2SK: _g2s, ...member } = item;
  return member as unknown as MemberState;
}

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  // GSI1 (recorded activity): the metrics job reads only the entries written since its last run.
  return {
    ...keys.ledgerEntry(entry.memberId, entry.sequence, entry.index),
    entity: 'ledger',
    ...entry,
    ...keys.activity('recorded', entry.createdAt, entry.transactionId),
  };
}

export function itemToLedgerEntry(item: Item): LedgerEntry {
  const { PK: _pk, SK: _sk, entity: _entity, GSI1PK: _g1, GSI1SK: _g1s, ...entry } = item;
  return entry as unknown as LedgerEntry;
}

export function rewardToItem(reward: RewardState): Item {
  return { ...keys.reward(reward.rewardId), entity: 'reward', ...reward };
}

export function itemToReward(item: Item): RewardState {
  const { PK: _pk, SK: _sk, entity: _entity, ...reward } = item;
  return reward as unknown as RewardState;
}

import { erasedMember } from '@shared/domain/member';
import type { ConditionalWrite } from '@shared/store/commit';
import { externalIdRelease } from '@shared/store/items/external-id';
import { erasePersonalDataFromEvents } from '@shared/store/events';
import { removeNpsComments } from '@shared/store/items/nps-answer';
import { referralCodeRelease } from '@shared/store/items/referral-code';
import { loadActiveMember, outcome, type UseCase } from './use-case';

/**
 * Erasure: personal data is removed for good; ledger amounts, orders and scores stay,
 * unlinked from the person, so snapshots before and after add up to the same totals.
 *
 * A member may have more survey comments than a transaction holds (100 items), so the
 * comments are removed first, in batches, and the member is erased after, in one write
 * conditioned on the version read BEFORE the comments were listed. Every answer moves
 * that version, so an answer that arrives meanwhile fails the write and the whole
 * erasure runs again: the member is never marked erased with a comment left behind.
 * A crash in between leaves no record of the request, so its retry runs it again.
 */
export function eraseMember(memberId: string): UseCase<undefined> {
  return () => async (now) => {
    const member = await loadActiveMember(memberId, now);
    await removeNpsComments(memberId);
    // Same reasoning as the comments: every new event of the member moves its version too.
    await erasePersonalDataFromEvents(memberId);
    const writes: ConditionalWrite[] = [{ item: referralCodeRelease(member.referralCode) }];
    if (member.profile.externalId) writes.push({ item: externalIdRelease(member.profile.externalId) });
    return outcome(undefined, {
      members: [{ expectedVersion: member.version, member: erasedMember(member, now), entries: [] }],
      writes,
      events: [{ type: 'member.erased', memberId, data: { memberId } }],
    });
  };
}

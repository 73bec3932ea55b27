import { erasedMember, type MemberState } from '@shared/domain/member';
import type { ConditionalWrite } from '@shared/store/commit';
import { erasePersonalDataFromEvents } from '@shared/store/items/event';
import { redactKeptAnswers } from '@shared/store/idempotency';
import { eraseLedgerFreeText } from '@shared/store/items/ledger-entry';
import { removeNpsComments } from '@shared/store/items/nps-answer';
import { referralCodeRelease } from '@shared/store/items/referral-code';
import { claimMoves } from './support/member-claims';
import { loadActiveMember } from './support/load';
import { redactedAnswer } from './support/execute';
import { outcome, prepareThenDecide, type UseCase } from './support/outcome';

/**
 * Erasure: personal data is removed for good, with every copy of it in the table (events,
 * adjustments' free text, survey comments, answers kept for replays); ledger amounts, orders and
 * scores stay, unlinked from the person, so snapshots before and after add up to the same totals.
 *
 * A member may have more survey comments than a transaction holds (100 items), so the copies
 * are removed first, in batches (the `prepare` step), and the member is erased after, in one write
 * conditioned on the version read BEFORE the copies were listed. Every answer moves that version,
 * so an answer that arrives meanwhile fails the write and the whole erasure runs again: the member
 * is never marked erased with a comment left behind. A crash in between leaves no record of the
 * request, so its retry runs it again (removing a copy twice changes nothing).
 */
export function eraseMember(memberId: string): UseCase<undefined> {
  return () =>
    prepareThenDecide(
      (now) => removeCopiesOfPersonalData(memberId, now),
      async (now, member) => {
        // The claims go with the profile: no lookup by external id or email finds an erased member.
        const writes: ConditionalWrite[] = [
          { item: referralCodeRelease(member.referralCode) },
          ...(await claimMoves(memberId, member.profile, {})),
        ];
        return outcome(undefined, {
          members: [{ expectedVersion: member.version, member: erasedMember(member, now), entries: [] }],
          writes,
          events: [{ type: 'member.erased', memberId, data: { memberId } }],
          audit: { kind: 'member.erased', target: `member:${memberId}`, summary: `Member ${memberId} erased` },
        });
      },
    );
}

/**
 * The member as read, then every copy of its personal data outside the member item removed: the
 * version read is the one the erasure's write is conditioned on.
 */
async function removeCopiesOfPersonalData(memberId: string, now: Date): Promise<MemberState> {
  const member = await loadActiveMember(memberId, now);
  await removeNpsComments(memberId);
  // Same reasoning as the comments: every new event of the member moves its version too,
  // and so does every write that posts an entry or keeps an answer about the member.
  await erasePersonalDataFromEvents(memberId);
  await eraseLedgerFreeText(memberId);
  // Answers kept for replays (24 hours): a replay after erasure answers without the person.
  await redactKeptAnswers(memberId, redactedAnswer);
  return member;
}

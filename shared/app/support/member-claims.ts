import { DomainError } from '@shared/domain/errors';
import { normaliseEmail, type MemberProfile } from '@shared/domain/member';
import type { ConditionalWrite } from '@shared/store/commit';
import { emailClaim, emailRelease, memberIdsForEmail } from '@shared/store/items/email';
import { claimHolder, externalIdClaim, externalIdRelease } from '@shared/store/items/external-id';

/**
 * The claims that make a member findable by external id (unique) and by email (normalised,
 * a set of members), kept in step with the profile by every write that changes it:
 * enrolment (nothing → profile), PATCH (profile → profile), erasure (profile → nothing).
 */

/** The refusal of an external id another member holds: it names that member, so the caller can recover. */
export function externalIdTaken(holder: string | undefined, path = 'body.externalId'): DomainError {
  return new DomainError(
    'external-id-taken',
    "The externalId belongs to another member: the problem's memberId names it.",
    [{ path, message: 'is taken by another member' }],
    holder ? { extensions: { memberId: holder } } : {},
  );
}

/** The claim moves that follow a profile change: external id (unique) and email (set of members). */
export async function claimMoves(
  memberId: string,
  before: Pick<MemberProfile, 'externalId' | 'email'>,
  after: Pick<MemberProfile, 'externalId' | 'email'>,
): Promise<ConditionalWrite[]> {
  const writes: ConditionalWrite[] = [];
  if (before.externalId !== after.externalId) {
    const claimed = after.externalId;
    if (claimed !== undefined)
      writes.push({
        item: externalIdClaim(claimed, memberId),
        onConditionFailed: (existing) => externalIdTaken(claimHolder(existing)),
      });
    if (before.externalId !== undefined) writes.push({ item: externalIdRelease(before.externalId) });
  }
  const beforeEmail = before.email === undefined ? undefined : normaliseEmail(before.email);
  const afterEmail = after.email === undefined ? undefined : normaliseEmail(after.email);
  if (beforeEmail !== afterEmail) {
    if (afterEmail !== undefined) writes.push({ item: emailClaim(afterEmail, memberId) });
    if (beforeEmail !== undefined)
      writes.push({ item: emailRelease(beforeEmail, memberId, await memberIdsForEmail(beforeEmail)) });
  }
  return writes;
}

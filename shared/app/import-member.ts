import { DomainError } from '@shared/domain/errors';
import { openingBalanceMovements } from '@shared/domain/import';
import { postMovements } from '@shared/domain/ledger';
import { newMember, normaliseEmail } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { assertCurrency } from '@shared/domain/money';
import { MAX_CLOCK_SKEW_MS } from '@shared/domain/order';
import { newMemberId, newReferralCode } from '@shared/ids';
import type { MemberImportLine } from '@shared/schemas/imports';
import { emailClaim } from '@shared/store/items/email';
import { claimHolder, externalIdClaim, memberIdForExternalId } from '@shared/store/items/external-id';
import { referralCodeClaim } from '@shared/store/items/referral-code';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from './support/emit';
import { externalIdTaken } from './support/member-claims';
import { postingContext } from './support/posting';
import { outcome, type UseCase } from './support/outcome';

/**
 * An imported member: enrolled at `enrolledAt` with the opening balance as ONE adjustment
 * entry (reason `import`) and no bonuses, in one transaction with the external id and
 * referral code claims. The external id claim is what makes the line idempotent: a second
 * import of it fails that condition (`external-id-taken`, naming the member) and changes nothing.
 * An email is claimed too, so an imported member is found by email like an enrolled one.
 * Like any enrolment it emits `member.enrolled` in the same transaction, and the opening balance
 * (points and cashback in its one adjustment entry) a `points.adjusted` with that transaction.
 */
export function importMember(line: MemberImportLine): UseCase<{ memberId: string }> {
  return async (caller) => {
    const program = await currentProgram();
    if (line.cashback) assertCurrency(line.cashback, program.currency, 'cashback');
    const taken = (holder: string | undefined) => externalIdTaken(holder, 'externalId');
    // A read first: re-running a file (or resuming one) then costs a read per line, not a failed transaction.
    const holder = await memberIdForExternalId(line.externalId);
    if (holder) throw taken(holder);
    return (now) => {
      const enrolledAt = line.enrolledAt ? new Date(line.enrolledAt) : now;
      if (enrolledAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS)
        throw new DomainError('occurred-at-out-of-range', 'enrolledAt is in the future.', [
          { path: 'enrolledAt', message: 'must not be more than 5 minutes ahead of now' },
        ]);
      const memberId = newMemberId();
      const code = newReferralCode();
      const { kind: _kind, consent, enrolledAt: _at, points: _points, cashback: _cashback, ...profile } = line;
      const created = newMember({
        memberId,
        referralCode: code,
        createdAt: enrolledAt.toISOString(),
        profile,
        consent,
      });
      const posted = postMovements(created, openingBalanceMovements(line), postingContext(caller, program, now));
      const view = memberView({ ...posted.member, version: 1 }, program, now);
      return outcome(
        { memberId },
        {
          members: [{ expectedVersion: null, member: posted.member, entries: posted.entries }],
          writes: [
            // Enrolment metrics count the member at enrolledAt, as if it had enrolled here then.
            { item: referralCodeClaim(code, memberId, enrolledAt.toISOString()) },
            {
              item: externalIdClaim(line.externalId, memberId),
              onConditionFailed: (existing) => taken(claimHolder(existing)),
            },
            ...(profile.email !== undefined ? [{ item: emailClaim(normaliseEmail(profile.email), memberId) }] : []),
          ],
          events: [
            { type: 'member.enrolled', memberId, data: view },
            ...posted.entries.map((entry) => transactionEvent('points.adjusted', entry)),
          ],
        },
      );
    };
  };
}

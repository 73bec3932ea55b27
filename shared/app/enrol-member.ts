import { lotRulesOf } from '@shared/domain/lot-rules';
import { lotExpiresAt } from '@shared/domain/lots';
import { enrolmentMovements, referrerMovements } from '@shared/domain/enrolment';
import { DomainError } from '@shared/domain/errors';
import { postMovements } from '@shared/domain/ledger';
import { newMember, type MemberProfile } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { newMemberId, newReferralCode } from '@shared/ids';
import type { ConditionalWrite, MemberWrite } from '@shared/store/commit';
import { memberIdForReferralCode, referralCodeClaim } from '@shared/store/items/referral-code';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from './support/emit';
import { postingContext } from './support/posting';
import { claimMoves } from './support/member-claims';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, type UseCase } from './support/outcome';

export interface Enrolment extends MemberProfile {
  consent: { marketing: boolean; analytics: boolean };
  referralCode?: string;
}

export type MemberView = ReturnType<typeof memberView>;

/**
 * Enrolment is one transaction: the member with the sign-up (and referee) bonus, the
 * referrer's bonus on the referrer's own member item, the referral code, external id and
 * email claims. Nothing is half-enrolled.
 */
export function enrolMember(request: Enrolment): UseCase<MemberView> {
  return async (caller) => {
    const program = await currentProgram();
    const { referralCode, consent, ...profile } = request;
    return async (now) => {
      const posting = postingContext(caller, program, now);
      let referrer: MemberWrite | undefined;
      if (referralCode) {
        const referrerId = await memberIdForReferralCode(referralCode);
        const unknown = () =>
          new DomainError('unknown-referral-code', `No member has the referral code ${referralCode}.`, [
            { path: 'body.referralCode', message: 'is not a known referral code' },
          ]);
        if (!referrerId) throw unknown();
        const before = await loadActiveMember(referrerId, now, { lots: true }).catch((error: unknown) => {
          throw error instanceof DomainError ? unknown() : error;
        });
        const posted = postMovements(before, referrerMovements(program), posting);
        referrer = memberChange(before, posted.member, posted.entries);
      }
      const memberId = newMemberId();
      const code = newReferralCode();
      const created = newMember({
        memberId,
        referralCode: code,
        createdAt: now.toISOString(),
        profile,
        consent,
        ...(referrer ? { referredBy: referrer.member.memberId } : {}),
      });
      const posted = postMovements(created, enrolmentMovements(program, referrer !== undefined), posting);
      // A code collision (one in 10^12) fails as a conflict and just retries with a new code.
      // The external id and email claims: a taken external id is refused naming its member.
      const writes: ConditionalWrite[] = [
        { item: referralCodeClaim(code, memberId, now.toISOString()) },
        ...(await claimMoves(memberId, {}, profile)),
      ];
      const member = { ...posted.member, version: 1 };
      // Bonuses are available at once; under lot expiry they are the member's first lot.
      const rule = lotRulesOf(program).lotExpiry;
      const balance = member.points.balance;
      const view = memberView(
        member,
        program,
        now,
        rule && balance > 0
          ? { balance, pending: 0, expiring: [{ points: balance, expiresAt: lotExpiresAt(now.toISOString(), rule) }] }
          : undefined,
      );
      return outcome(view, {
        members: [
          { expectedVersion: null, member: posted.member, entries: posted.entries },
          ...(referrer ? [referrer] : []),
        ],
        writes,
        // The new member's bonuses show in its balance; the referrer learns of its bonus as points earned.
        events: [
          { type: 'member.enrolled', memberId, data: view },
          ...(referrer?.entries.map((entry) => transactionEvent('points.earned', entry)) ?? []),
        ],
      });
    };
  };
}

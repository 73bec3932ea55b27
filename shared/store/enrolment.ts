import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { enrolmentMovements, referrerMovements } from '@shared/domain/enrolment';
import { DomainError } from '@shared/domain/errors';
import { postMovements } from '@shared/domain/ledger';
import { newMember, type MemberProfile } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { newMemberId, newReferralCode } from '@shared/ids';
import { store } from './client';
import type { ConditionalWrite, MemberWrite } from './commit';
import { StaleMemberError } from './errors';
import { keys } from './keys';
import { loadActiveMember, runCommand, type CommandResult } from './members';
import { currentProgram } from './program';
import { postingContext, type Caller } from './points';

export interface Enrolment extends MemberProfile {
  consent: { marketing: boolean; analytics: boolean };
  referralCode?: string;
}

async function memberIdForReferralCode(code: string): Promise<string | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.referralCode(code), ConsistentRead: true }),
  );
  return Item ? String(Item.memberId) : undefined;
}

/**
 * Enrolment is one transaction: the member with the sign-up (and referee) bonus, the
 * referrer's bonus on the referrer's own member item, the referral code and external id
 * claims. Nothing is half-enrolled.
 */
export async function enrolMember(request: Enrolment, caller: Caller): Promise<CommandResult> {
  const program = await currentProgram();
  const { referralCode, consent, ...profile } = request;
  return runCommand(caller.idempotency, caller.now, async (now) => {
    const posting = postingContext(caller, program, now);
    let referrer: MemberWrite | undefined;
    if (referralCode) {
      const referrerId = await memberIdForReferralCode(referralCode);
      const unknown = () =>
        new DomainError('unknown-referral-code', `No member has the referral code ${referralCode}.`, [
          { path: 'body.referralCode', message: 'is not a known referral code' },
        ]);
      if (!referrerId) throw unknown();
      const before = await loadActiveMember(referrerId, now).catch((error) => {
        throw error instanceof DomainError ? unknown() : error;
      });
      const posted = postMovements(before, referrerMovements(program), posting);
      referrer = { expectedVersion: before.version, member: posted.member, entries: posted.entries };
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
    const { tableName } = store();
    const writes: ConditionalWrite[] = [
      // A code collision (one in 10^12) just retries with a new code.
      // Written once per member, so it also carries the enrolment into the metrics job's activity index (GSI1).
      {
        item: {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.referralCode(code),
              entity: 'referral-code',
              memberId,
              createdAt: now.toISOString(),
              ...keys.activity('recorded', now.toISOString(), memberId),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new StaleMemberError(),
      },
    ];
    if (profile.externalId) {
      writes.push({
        item: {
          Put: {
            TableName: tableName,
            Item: { ...keys.externalId(profile.externalId), entity: 'external-id', memberId },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () =>
          new DomainError(
            'duplicate-external-id',
            `A member with externalId ${profile.externalId} is already enrolled.`,
          ),
      });
    }
    const member = { ...posted.member, version: 1 };
    return {
      members: [
        { expectedVersion: null, member: posted.member, entries: posted.entries },
        ...(referrer ? [referrer] : []),
      ],
      writes,
      response: { status: 201, body: memberView(member, program, now) },
    };
  });
}

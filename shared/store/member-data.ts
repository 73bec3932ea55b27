import { queryAll } from './query';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MemberState } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { mapWithConcurrency } from './activity';
import { store } from './client';
import type { ConditionalWrite } from './commit';
import { keys } from './keys';
import { itemToLedgerEntry } from './mappers';
import { loadActiveMember, runMemberCommand, type CommandResult } from './members';
import { currentProgram } from './program';
import type { Caller } from './points';
import { itemToNpsAnswer } from './surveys';
import { toTransaction } from './views';

type Item = Record<string, unknown>;

const NPS_PREFIX = 'NPS#';
const COMMENT_REMOVALS_IN_FLIGHT = 10;

/** The items of the member's partition, page by page, optionally those whose sort key starts with `prefix`. */
async function memberItems(
  memberId: string,
  options: { prefix?: string; withComment?: boolean } = {},
): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: options.prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
    ExpressionAttributeValues: {
      ':pk': keys.memberPartition(memberId),
      ...(options.prefix ? { ':prefix': options.prefix } : {}),
    },
    ...(options.withComment
      ? { FilterExpression: 'attribute_exists(#comment)', ExpressionAttributeNames: { '#comment': 'comment' } }
      : {}),
    ConsistentRead: true,
  });
}

/** The member's right of access: profile, consent and balances, the whole ledger (newest first), orders and survey answers. */
export async function exportMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now), currentProgram()]);
  const items = await memberItems(memberId);
  const transactions = items
    .filter((item) => item.entity === 'ledger')
    .map(itemToLedgerEntry)
    .reverse()
    .map((entry) => toTransaction(entry, now));
  const orders = items
    .filter((item) => item.entity === 'order')
    .map((item) => {
      const currency = String(item.currency);
      return {
        orderId: String(item.orderId),
        amount: { value: Number(item.amount), currency },
        refunded: { value: Number(item.refunded ?? 0), currency },
        occurredAt: String(item.occurredAt),
      };
    });
  const npsAnswers = items
    .filter((item) => item.entity === 'nps')
    .map((item) => {
      const { score, answeredAt, comment } = itemToNpsAnswer(item);
      return { score, answeredAt, ...(comment !== undefined ? { comment } : {}) };
    });
  return { member: memberView(member, program, now), transactions, orders, npsAnswers };
}

/**
 * What erasure keeps of a member: balances, purchase facts and the ledger sequence, so
 * totals and metrics still add up; nothing that identifies or describes the person
 * (profile, consent choices, who referred them, the year of their birthday bonus).
 */
function erasedMember(member: MemberState, now: Date): MemberState {
  const { referredBy: _referredBy, ...kept } = member;
  const { birthdayBonusYear: _birthdayBonusYear, ...purchases } = member.purchases;
  return {
    ...kept,
    status: 'erased',
    profile: {},
    consent: { marketing: false, analytics: false },
    purchases,
    erasedAt: now.toISOString(),
  };
}

/** Removes every survey comment of the member (scores stay for the NPS); re-running it is harmless. */
async function removeSurveyComments(memberId: string): Promise<void> {
  const { client, tableName } = store();
  const answered = await memberItems(memberId, { prefix: NPS_PREFIX, withComment: true });
  await mapWithConcurrency(answered, COMMENT_REMOVALS_IN_FLIGHT, (item) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'REMOVE #comment',
        ExpressionAttributeNames: { '#comment': 'comment' },
      }),
    ),
  );
}

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
export async function eraseMember(memberId: string, caller: Caller): Promise<CommandResult> {
  const { tableName } = store();
  return runMemberCommand(memberId, caller.idempotency, caller.now, async (member, now) => {
    await removeSurveyComments(memberId);
    const writes: ConditionalWrite[] = [
      { item: { Delete: { TableName: tableName, Key: keys.referralCode(member.referralCode) } } },
    ];
    if (member.profile.externalId)
      writes.push({ item: { Delete: { TableName: tableName, Key: keys.externalId(member.profile.externalId) } } });
    return {
      members: [{ expectedVersion: member.version, member: erasedMember(member, now), entries: [] }],
      writes,
      response: { status: 204 },
    };
  });
}

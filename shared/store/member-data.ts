import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { memberView } from '@shared/domain/member-view';
import type { LedgerEntry } from '@shared/domain/ledger';
import { store } from './client';
import type { ConditionalWrite } from './commit';
import { keys } from './keys';
import { itemToLedgerEntry } from './mappers';
import { loadActiveMember, runMemberCommand, type CommandResult } from './members';
import { currentProgram } from './program';
import type { Caller } from './points';
import { toTransaction } from './views';

/** Every item of the member's partition, page by page (export reads it whole, by design). */
async function memberPartition(memberId: string): Promise<Record<string, unknown>[]> {
  const { client, tableName } = store();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.memberPartition(memberId) }, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The member's right of access: profile, consent, ledger and survey answers. */
export async function exportMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now), currentProgram()]);
  const items = await memberPartition(memberId);
  const transactions: LedgerEntry[] = items.filter((item) => item.entity === 'ledger').map(itemToLedgerEntry);
  const npsAnswers = items
    .filter((item) => item.entity === 'nps')
    .map((item) => ({ score: Number(item.score), answeredAt: String(item.answeredAt), ...(item.comment ? { comment: String(item.comment) } : {}) }));
  return { member: memberView(member, program, now), transactions: transactions.reverse().map((entry) => toTransaction(entry, now)), npsAnswers };
}

/**
 * Erasure: personal data is removed for good (profile, consent, external id claim, survey
 * comments); balances and ledger amounts stay, unlinked from the person, so totals and
 * metrics still add up. The member item keeps only what the metrics need.
 */
export async function eraseMember(memberId: string, caller: Caller): Promise<CommandResult> {
  const { tableName } = store();
  return runMemberCommand(memberId, caller.idempotency, caller.now, async (member, now) => {
    const items = await memberPartition(memberId);
    const writes: ConditionalWrite[] = [];
    if (member.profile.externalId) writes.push({ item: { Delete: { TableName: tableName, Key: keys.externalId(member.profile.externalId) } } });
    for (const item of items.filter((i) => i.entity === 'nps' && i.comment !== undefined)) {
      writes.push({ item: { Update: { TableName: tableName, Key: { PK: item.PK, SK: item.SK }, UpdateExpression: 'REMOVE #comment', ExpressionAttributeNames: { '#comment': 'comment' } } } });
    }
    return {
      members: [{ expectedVersion: member.version, member: { ...member, status: 'erased', profile: {}, consent: { marketing: false, analytics: false }, erasedAt: now.toISOString() }, entries: [] }],
      writes,
      response: { status: 204 },
    };
  });
}

import { ulid } from 'ulid';
import type { NpsAnswerFact } from '@shared/domain/metrics';
import { store } from './client';
import { StaleMemberError } from './errors';
import { keys } from './keys';
import { runMemberCommand, type CommandResult } from './members';
import type { Caller } from './points';

/** An NPS answer item: the score counts in metrics; the comment is personal data (erasure removes it). */
export interface NpsAnswer extends NpsAnswerFact {
  comment?: string;
}

export function npsAnswerToItem(answer: NpsAnswer): Record<string, unknown> {
  return {
    ...keys.nps(answer.memberId, answer.answeredAt, answer.answerId),
    entity: 'nps',
    ...answer,
    // GSI1 by when it was answered: the window's NPS reads only the window's answers.
    ...keys.activity('occurred', answer.answeredAt, answer.answerId),
  };
}

export function itemToNpsAnswer(item: Record<string, unknown>): NpsAnswer {
  return {
    memberId: String(item.memberId),
    score: Number(item.score),
    answeredAt: String(item.answeredAt),
    answerId: String(item.answerId),
    ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
  };
}

/**
 * Records an NPS answer. The member item is written too (its version moves on): an
 * erasure conditioned on the version it read can then never miss an answer (and its
 * comment) that arrived while it ran, and an erased member cannot answer.
 */
export async function answerNps(
  memberId: string,
  answer: { score: number; comment?: string | undefined },
  caller: Caller,
): Promise<CommandResult> {
  const { tableName } = store();
  return runMemberCommand(memberId, caller.idempotency, caller.now, (member, now) => {
    const stored: NpsAnswer = {
      memberId,
      score: answer.score,
      answeredAt: now.toISOString(),
      answerId: `nps_${ulid()}`,
      ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
    };
    return {
      members: [{ expectedVersion: member.version, member, entries: [] }],
      writes: [
        {
          item: {
            Put: {
              TableName: tableName,
              Item: npsAnswerToItem(stored),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          onConditionFailed: () => new StaleMemberError(),
        },
      ],
      response: { status: 201, body: { memberId, score: stored.score, answeredAt: stored.answeredAt } },
    };
  });
}

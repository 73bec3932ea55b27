import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../activity';
import { store } from '../client';
import { memberItems } from '../queries';
import type { NpsAnswerFact } from '@shared/domain/metrics';
import { indexKeys, memberPartition } from '../keys';
import { createPut, type Item, type TransactItem } from '../item';

/** An NPS answer: the score counts in metrics; the comment is personal data (erasure removes it). */
export interface NpsAnswer extends NpsAnswerFact {
  comment?: string;
}

export const NPS_PREFIX = 'NPS#';
export const npsAnswerKey = (memberId: string, answeredAt: string, answerId: string) => ({
  PK: memberPartition(memberId),
  SK: `${NPS_PREFIX}${answeredAt}#${answerId}`,
});

export function npsAnswerToItem(answer: NpsAnswer): Item {
  return {
    ...npsAnswerKey(answer.memberId, answer.answeredAt, answer.answerId),
    entity: 'nps',
    ...answer,
    // GSI1 (recorded activity; an answer is recorded when it is given): the metrics job digests it once.
    ...indexKeys.activity(answer.answeredAt, answer.answerId),
  };
}

export function itemToNpsAnswer(item: Item): NpsAnswer {
  return {
    memberId: String(item.memberId),
    score: Number(item.score),
    answeredAt: String(item.answeredAt),
    answerId: String(item.answerId),
    ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
  };
}

export const npsAnswerPut = (answer: NpsAnswer): TransactItem => createPut(npsAnswerToItem(answer));

const COMMENT_REMOVALS_IN_FLIGHT = 10;

/** Removes every survey comment of the member (scores stay for the NPS); re-running it is harmless. */
export async function removeNpsComments(memberId: string): Promise<void> {
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

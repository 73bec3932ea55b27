import { ulid } from 'ulid';
import { npsAnswerPut, type NpsAnswer } from '@shared/store/items/nps-answer';
import { loadActiveMember } from './support/load';
import { outcome, type UseCase } from './support/outcome';

/**
 * Records an NPS answer. The member item is written too (its version moves on): an
 * erasure conditioned on the version it read can then never miss an answer (and its
 * comment) that arrived while it ran, and an erased member cannot answer.
 */
export function answerNps(
  memberId: string,
  answer: { score: number; comment?: string | undefined },
): UseCase<{ memberId: string; score: number; answeredAt: string }> {
  return () => async (now) => {
    const member = await loadActiveMember(memberId, now);
    const stored: NpsAnswer = {
      memberId,
      score: answer.score,
      answeredAt: now.toISOString(),
      answerId: `nps_${ulid()}`,
      ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
    };
    return outcome(
      { memberId, score: stored.score, answeredAt: stored.answeredAt },
      {
        members: [{ expectedVersion: member.version, member, entries: [] }],
        writes: [{ item: npsAnswerPut(stored) }],
        // Never the comment: it is free text a person wrote.
        events: [{ type: 'nps.answered', memberId, data: { score: stored.score, answeredAt: stored.answeredAt } }],
      },
    );
  };
}

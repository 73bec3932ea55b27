import { clock } from '@shared/clock';
import { planMemberships, type SegmentDefinition } from '@shared/domain/segments';
import type { MemberState } from '@shared/domain/member';
import type { Program } from '@shared/schemas/program';
import { mapWithConcurrency } from '@shared/store/activity';
import {
  checkpointEvaluationPart,
  findEvaluationPart,
  findSegment,
  recordEvaluation,
} from '@shared/store/items/segment';
import { findMember } from '@shared/store/items/member';
import { scanMembers } from '@shared/store/member-scan';
import { currentProgram } from '@shared/store/program';
import { segmentEvaluationEngine } from '@shared/store/segment-evaluation-engine';
import { forgetCachedSegments, segmentCatalog } from '@shared/store/segments';
import { executeOnce } from '../support/execute';
import { outcome, type UseCase } from '../support/outcome';

/**
 * A new segment, or new rules, evaluated over every member in the background: the parts of a
 * parallel Scan of the member items, each read page by page; a member whose memberships (or next
 * due time) the catalog changes is written through the same hook as any member write
 * (shared/app/support/segment-membership.ts), so its items, size and events are exactly those of
 * a write. Each page's position and count are checkpointed in one transaction: a part resumes
 * where it stopped, in another invocation or process. On AWS a Step Functions map runs the parts
 * in parallel (infra/constructs/segment-evaluation.ts); locally the same functions run in-process.
 */
export const EVALUATION_PARTS = Number(process.env.SEGMENT_EVALUATION_PARTS ?? 8);
/** Members written at once within a part. */
const WRITE_CONCURRENCY = 8;

/** Hands the evaluation to the engine (after the PUT that changed the rules committed). */
export async function startSegmentEvaluation(segmentId: string, revision: number): Promise<void> {
  const stored = await findSegment(segmentId);
  const evaluation = stored?.segment.evaluation;
  if (!evaluation || evaluation.revision !== revision) return;
  await segmentEvaluationEngine().start({ segmentId, revision, notBefore: evaluation.notBefore });
}

/** Marks the evaluation running and answers its parts (none when a later change superseded it). */
export async function beginSegmentEvaluation(segmentId: string, revision: number): Promise<number[]> {
  const running = await recordEvaluation(segmentId, revision, { status: 'running', at: clock() });
  return running ? Array.from({ length: EVALUATION_PARTS }, (_, part) => part) : [];
}

export async function finishSegmentEvaluation(segmentId: string, revision: number): Promise<void> {
  await recordEvaluation(segmentId, revision, { status: 'done', at: clock() });
}

/** Whether the catalog changes the member: a segment entered or left, or its next due time moved. */
function changedBy(member: MemberState, catalog: SegmentDefinition[], deleted: ReadonlySet<string>, program: Program) {
  const plan = planMemberships(member, catalog, { now: clock(), program }, { deleted });
  return plan.entered.length > 0 || plan.left.length > 0 || plan.dueAt !== member.segmentsDueAt;
}

/** The member written as it is: the membership hook evaluates it against the catalog. */
function refreshMemberSegments(memberId: string): UseCase<boolean> {
  return () => async () => {
    const member = await findMember(memberId);
    if (!member) return outcome(false);
    return outcome(true, { members: [{ expectedVersion: member.version, member, entries: [] }] });
  };
}

/**
 * Evaluates one part from where it stopped, page by page, while `timeLeft` says so. Answers
 * whether the part is done (a superseded evaluation is done at once).
 */
export async function evaluateSegmentPart(
  segmentId: string,
  revision: number,
  part: number,
  options: { timeLeft?: () => boolean; parts?: number } = {},
): Promise<{ done: boolean }> {
  const parts = options.parts ?? EVALUATION_PARTS;
  let position = await findEvaluationPart(segmentId, revision, part);
  if (position.done) return { done: true };
  // This run evaluates by the catalog as it is now, not as this instance last cached it.
  forgetCachedSegments();
  const [catalog, program] = await Promise.all([segmentCatalog(), currentProgram()]);
  const segment = catalog.segments.find((stored) => stored.segment.segmentId === segmentId)?.segment;
  if (segment?.evaluation?.revision !== revision) return { done: true };
  const definitions = catalog.segments.map((stored) => stored.segment);
  do {
    const page = await scanMembers(part, parts, position.cursor);
    const changed = page.members.filter((member) => changedBy(member, definitions, catalog.deleted, program));
    await mapWithConcurrency(changed, WRITE_CONCURRENCY, (member) =>
      executeOnce(refreshMemberSegments(member.memberId), { partnerId: 'system:segments', now: clock }),
    );
    position = page.cursor ? { cursor: page.cursor, done: false } : { done: true };
    const kept = await checkpointEvaluationPart(segmentId, revision, part, {
      ...position,
      evaluated: page.members.length,
    });
    if (!kept) return { done: true };
  } while (!position.done && (options.timeLeft?.() ?? true));
  return { done: position.done };
}

/**
 * The local engine's run: waits until every instance holds the new rules, then runs every part
 * through the same functions the Lambda runs, and finishes. Run again, it resumes.
 */
export async function runSegmentEvaluationInProcess(
  run: { segmentId: string; revision: number; notBefore: string },
  options: { parts?: number } = {},
): Promise<void> {
  const wait = Date.parse(run.notBefore) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const parts = await beginSegmentEvaluation(run.segmentId, run.revision);
  await Promise.all(
    parts.map(async (part) => {
      let done = false;
      while (!done) ({ done } = await evaluateSegmentPart(run.segmentId, run.revision, part, options));
    }),
  );
  if (parts.length > 0) await finishSegmentEvaluation(run.segmentId, run.revision);
}

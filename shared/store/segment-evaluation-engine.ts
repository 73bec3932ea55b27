import { replaceable } from '@shared/adapters/replaceable';
import { startExecutionOnce } from '@shared/adapters/step-functions';

/**
 * What runs a segment's evaluation of every member: the Step Functions state machine on AWS
 * (env SEGMENT_EVALUATION_STATE_MACHINE_ARN: wait, then a map over the parts of a parallel Scan),
 * an in-process runner locally (infra/local). Starting is idempotent: the execution is named
 * after the segment and the evaluation's revision.
 */
export interface SegmentEvaluationRun {
  segmentId: string;
  revision: number;
  /** Not before this instant (ISO, the system clock): every instance's cached catalog holds the new rules. */
  notBefore: string;
}

export interface SegmentEvaluationEngine {
  start(run: SegmentEvaluationRun): Promise<void>;
}

/** An execution name: at most 80 characters of [A-Za-z0-9_-] (segment ids may hold . and :). */
export const evaluationExecutionName = (run: Pick<SegmentEvaluationRun, 'segmentId' | 'revision'>) =>
  `segment-${run.segmentId.replace(/[^A-Za-z0-9_-]/g, '_')}-${run.revision}`.slice(0, 80);

const engine = replaceable<SegmentEvaluationEngine>(() => {
  const arn = process.env.SEGMENT_EVALUATION_STATE_MACHINE_ARN;
  if (!arn) throw new Error('SEGMENT_EVALUATION_STATE_MACHINE_ARN must be set');
  return { start: (run) => startExecutionOnce(arn, evaluationExecutionName(run), run) };
});

export const segmentEvaluationEngine = engine.get;
export const useSegmentEvaluationEngine = engine.use;

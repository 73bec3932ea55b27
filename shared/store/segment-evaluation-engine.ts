import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

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

class StepFunctionsEngine implements SegmentEvaluationEngine {
  private readonly sfn = new SFNClient({});
  constructor(private readonly stateMachineArn: string) {}

  async start(run: SegmentEvaluationRun): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: evaluationExecutionName(run),
          input: JSON.stringify(run),
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    }
  }
}

let current: SegmentEvaluationEngine | undefined;

export function segmentEvaluationEngine(): SegmentEvaluationEngine {
  if (current) return current;
  const arn = process.env.SEGMENT_EVALUATION_STATE_MACHINE_ARN;
  if (!arn) throw new Error('SEGMENT_EVALUATION_STATE_MACHINE_ARN must be set');
  current = new StepFunctionsEngine(arn);
  return current;
}

export function useSegmentEvaluationEngine(engine: SegmentEvaluationEngine | undefined): void {
  current = engine;
}

import { runSegmentEvaluationInProcess } from '@shared/app/jobs/segment-evaluation';
import { withoutDeadline } from '@shared/deadline';
import { readSegmentCatalog } from '@shared/store/items/segment';
import type { SegmentEvaluationEngine, SegmentEvaluationRun } from '@shared/store/segment-evaluation-engine';

/**
 * Segment evaluations on one machine: each runs in the background of the local server's
 * process, through the same functions the AWS state machine invokes. Started once per
 * segment and revision; an evaluation a stopped server left unfinished resumes at the next start.
 */
export class InProcessSegmentEvaluations implements SegmentEvaluationEngine {
  private readonly running = new Map<string, Promise<unknown>>();

  start(run: SegmentEvaluationRun): Promise<void> {
    const key = `${run.segmentId} ${run.revision}`;
    if (this.running.has(key)) return Promise.resolve();
    // Started by a request, it outlives it (AWS runs it in Step Functions).
    const running = withoutDeadline(() => runSegmentEvaluationInProcess(run))
      .catch((error: unknown) => console.error(`segment ${run.segmentId} evaluation failed`, error))
      .finally(() => this.running.delete(key));
    this.running.set(key, running);
    return Promise.resolve();
  }

  /** Starts again every evaluation the table says is not done (a server stopped midway). */
  async resume(): Promise<void> {
    const { segments } = await readSegmentCatalog();
    for (const { segment } of segments) {
      const evaluation = segment.evaluation;
      if (evaluation && evaluation.status !== 'done')
        await this.start({
          segmentId: segment.segmentId,
          revision: evaluation.revision,
          notBefore: evaluation.notBefore,
        });
    }
  }

  /** Resolves when no evaluation is running (tests, and stopping the server). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}

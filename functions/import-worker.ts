import * as z from 'zod';
import { completeImport, planImport, processImportChunk } from '@shared/app/jobs/import-worker';
import { collectDay, completeSimulation, planSimulation, replayShard } from '@shared/app/jobs/simulation-worker';
import {
  beginSegmentEvaluation,
  evaluateSegmentPart,
  finishSegmentEvaluation,
} from '@shared/app/jobs/segment-evaluation';
import { importIdOfKey } from '@shared/app/start-import';
import { IMPORT_PHASES } from '@shared/domain/import';
import { importFiles } from '@shared/store/import-files';
import { logger } from '@shared/observability';

/**
 * The import worker Lambda, invoked by the import state machine (infra/constructs/bulk-import.ts):
 * - `plan`: streams the file once, marks the import running, writes the chunk manifest the
 *   Distributed Map reads (an S3 JSON array of byte ranges of whole lines);
 * - a batch of chunks (the map's ItemBatcher: `Items` + `BatchInput`): applies them;
 * - `complete`: done, or failed when the map gave up;
 * - `simulation-*`: the steps of a program simulation (shared/app/jobs/simulation-worker.ts), invoked by
 *   the simulation state machine (infra/constructs/program-simulation.ts): the bulk engine's other work.
 * The local engine runs the same worker functions in-process (shared/app/jobs/import-worker.ts).
 *
 * The same worker runs the other bulk work of the engine, a segment's evaluation over every member
 * (infra/constructs/segment-evaluation.ts, shared/app/jobs/segment-evaluation.ts):
 * - `segment-begin`: marks it running and answers the parts of the parallel Scan;
 * - `segment-part`: evaluates one part from its checkpoint for a while; `done` says whether to call again;
 * - `segment-finish`: marks it done.
 */
const Chunk = z.object({
  chunk: z.int(),
  start: z.int(),
  end: z.int(),
  firstLine: z.int(),
  lines: z.int(),
});
const WorkerEvent = z.union([
  z.object({ action: z.literal('plan'), bucket: z.string(), key: z.string() }),
  z.object({
    Items: z.array(Chunk),
    BatchInput: z.object({ importId: z.string(), key: z.string(), phase: z.enum(IMPORT_PHASES) }),
  }),
  z.object({ action: z.literal('complete'), importId: z.string(), failed: z.boolean().optional() }),
  z.object({ action: z.literal('segment-begin'), segmentId: z.string(), revision: z.int() }),
  z.object({ action: z.literal('segment-finish'), segmentId: z.string(), revision: z.int() }),
  z.object({ action: z.literal('segment-part'), segmentId: z.string(), revision: z.int(), part: z.int() }),
]);
/** The simulation state machine's steps (infra/constructs/program-simulation.ts): the same worker, other work. */
const SimulationEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('simulation-plan'), simulationId: z.string() }),
  z.object({ action: z.literal('simulation-day'), simulationId: z.string(), day: z.int().min(0) }),
  z.object({ action: z.literal('simulation-shard'), simulationId: z.string(), shard: z.int().min(0) }),
  z.object({ action: z.literal('simulation-complete'), simulationId: z.string(), failed: z.boolean().optional() }),
]);

async function simulationStep(event: z.infer<typeof SimulationEvent>): Promise<unknown> {
  const { simulationId } = event;
  switch (event.action) {
    case 'simulation-plan':
      return { simulationId, ...(await planSimulation(simulationId)) };
    case 'simulation-day':
      await collectDay(simulationId, event.day);
      return { day: event.day };
    case 'simulation-shard':
      await replayShard(simulationId, event.shard);
      return { shard: event.shard };
    case 'simulation-complete': {
      const state = await completeSimulation(simulationId, event.failed);
      logger.info('simulation finished', { simulationId, status: state?.status });
      return { simulationId, status: state?.status };
    }
  }
}

/** A part's invocation stops reading new pages after this long, well within the function's 5 minutes. */
const PART_INVOCATION_MS = 120_000;

export const manifestKeyOf = (importId: string) => `manifests/${importId}.json`;

export async function handler(input: unknown): Promise<unknown> {
  const simulation = SimulationEvent.safeParse(input);
  if (simulation.success) return simulationStep(simulation.data);
  const event = WorkerEvent.parse(input);
  if ('Items' in event) {
    const { importId, key, phase } = event.BatchInput;
    for (const chunk of event.Items) await processImportChunk({ importId, fileKey: key, phase, chunk });
    return { chunks: event.Items.length };
  }
  if (event.action === 'segment-begin')
    return { ...event, parts: await beginSegmentEvaluation(event.segmentId, event.revision) };
  if (event.action === 'segment-part') {
    const until = Date.now() + PART_INVOCATION_MS;
    const { done } = await evaluateSegmentPart(event.segmentId, event.revision, event.part, {
      timeLeft: () => Date.now() < until,
    });
    return { ...event, done };
  }
  if (event.action === 'segment-finish') {
    await finishSegmentEvaluation(event.segmentId, event.revision);
    logger.info('segment evaluated', { segmentId: event.segmentId, revision: event.revision });
    return { segmentId: event.segmentId, revision: event.revision };
  }
  if (event.action === 'plan') {
    const importId = importIdOfKey(event.key);
    const plan = await planImport(importId, event.key);
    const manifestKey = manifestKeyOf(importId);
    await importFiles().put(manifestKey, new TextEncoder().encode(JSON.stringify(plan.chunks)));
    logger.info('import planned', { importId, lines: plan.lines, chunks: plan.chunks.length });
    return { importId, bucket: event.bucket, key: event.key, manifestKey };
  }
  const state = await completeImport(event.importId, event.failed ? 'interrupted' : undefined);
  logger.info('import finished', { importId: event.importId, status: state?.status, failed: state?.failed });
  return { importId: event.importId, status: state?.status };
}

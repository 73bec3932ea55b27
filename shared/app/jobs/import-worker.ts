import { DomainError } from '@shared/domain/errors';
import {
  checkpointName,
  ChunkPlanner,
  IMPORT_PHASES,
  linesOfChunk,
  phaseOf,
  problemWithoutLineValues,
  readImportLine,
  tooManyBadLines,
  type ChunkPlan,
  type ImportPhase,
  type LineProblem,
} from '@shared/domain/import';
import { mapWithConcurrency } from '@shared/store/activity';
import { importFiles } from '@shared/store/import-files';
import {
  checkpointChunk,
  findImport,
  finishImport,
  markImportRunning,
  putLineErrors,
  type ImportState,
  type StoredLineError,
} from '@shared/store/items/import';
import { importMember } from '../import-member';
import { importPurchase } from '../import-purchase';
import { executeOnce } from '../support/execute';

/**
 * The import worker: the same code runs in a Lambda invoked by the Step Functions
 * Distributed Map on AWS and in-process locally. A chunk's lines are applied with bounded
 * concurrency, each line its own transaction; the chunk's counts are then added to the
 * import item once (its checkpoint). A chunk that runs again (a retry, a resumed import)
 * applies nothing twice: each line's own condition (the external id claim, the order item)
 * refuses a second application, and the checkpoint refuses a second count.
 */
export const LINES_PER_CHUNK = 250;
/** Transactions in flight per worker: with the map's concurrency, what DynamoDB sees at once. */
export const LINE_CONCURRENCY = 8;

/** The configurable share of bad lines above which an import stops (env IMPORT_MAX_BAD_SHARE, default 10 %). */
export function maxBadShare(): number {
  const configured = Number(process.env.IMPORT_MAX_BAD_SHARE ?? '0.1');
  return Number.isFinite(configured) && configured >= 0 && configured <= 1 ? configured : 0.1;
}

/** The import stopped for too many bad lines: the engine stops handing out its chunks. */
export class ImportStoppedError extends Error {
  constructor(importId: string) {
    super(`Import ${importId} stopped: more than ${Math.round(maxBadShare() * 100)} % of its lines were bad.`);
    this.name = 'ImportStopped';
  }
}

/** Stops the worker where it is (a test kills it midway; the next run resumes). */
export class ImportAbortedError extends Error {
  constructor() {
    super('import worker aborted');
    this.name = 'ImportAborted';
  }
}

const clock = () => new Date();

/** Reads the file once (streamed) into chunks of whole lines and marks the import running. */
export async function planImport(importId: string, fileKey: string): Promise<{ lines: number; chunks: ChunkPlan[] }> {
  const planner = new ChunkPlanner(LINES_PER_CHUNK);
  for await (const bytes of await importFiles().stream(fileKey)) planner.push(bytes);
  const plan = planner.finish();
  try {
    await markImportRunning(importId, plan.lines, clock().toISOString());
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') throw new ImportStoppedError(importId);
    throw error;
  }
  return plan;
}

type LineOutcome = 'applied' | 'bad' | 'not-this-phase';

/** Already applied (by an earlier run of this or another import): counts as succeeded, changes nothing. */
const ALREADY_APPLIED = new Set(['external-id-taken', 'duplicate-order']);

async function applyLine(
  entry: { line: number; text: string },
  phase: ImportPhase,
  partnerId: string,
  bad: StoredLineError[],
  signal: AbortSignal | undefined,
): Promise<LineOutcome> {
  const read = readImportLine(entry.text);
  if (phaseOf(read) !== phase) return 'not-this-phase';
  if (!read.ok) {
    bad.push({ line: entry.line, problem: read.problem });
    return 'bad';
  }
  if (signal?.aborted) throw new ImportAbortedError();
  const caller = { partnerId, now: clock };
  try {
    const line = read.value;
    if (line.kind === 'member') await executeOnce(importMember(line), caller);
    else await executeOnce(importPurchase(line), caller);
    return 'applied';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error; // storage trouble: the chunk fails and is retried
    if (ALREADY_APPLIED.has(error.code)) return 'applied';
    const problem: LineProblem = {
      code: error.code,
      detail: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
    };
    bad.push({ line: entry.line, problem: problemWithoutLineValues(problem, read.value) });
    return 'bad';
  }
}

export interface ChunkWork {
  importId: string;
  fileKey: string;
  phase: ImportPhase;
  chunk: ChunkPlan;
}

/**
 * Applies one chunk's lines of one phase. Returns false when its checkpoint was already there
 * (nothing to do). Throws ImportStoppedError once the import has too many bad lines.
 */
export async function processImportChunk(
  work: ChunkWork,
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<boolean> {
  const { importId, phase, chunk } = work;
  const state = await findImport(importId);
  if (!state) throw new Error(`no import ${importId}`);
  if (state.stopReason === 'too-many-bad-lines') throw new ImportStoppedError(importId);
  const checkpoint = checkpointName(phase, chunk.chunk);
  if (state.chunksDone.includes(checkpoint)) return false;

  const bytes = await importFiles().readRange(work.fileKey, chunk.start, chunk.end);
  const lines = linesOfChunk(new TextDecoder().decode(bytes), chunk.firstLine);
  const bad: StoredLineError[] = [];
  const outcomes = await mapWithConcurrency(lines, options.concurrency ?? LINE_CONCURRENCY, (entry) =>
    applyLine(entry, phase, state.createdBy, bad, options.signal),
  );
  const failed = outcomes.filter((o) => o === 'bad').length;
  const succeeded = outcomes.filter((o) => o === 'applied').length;
  // Errors first: a crash between the two leaves the chunk unchecked, and its re-run writes the same error items.
  await putLineErrors(importId, bad, clock());
  await checkpointChunk(importId, checkpoint, { processed: succeeded + failed, succeeded, failed });
  await stopIfTooManyBadLines(importId);
  return true;
}

async function stopIfTooManyBadLines(importId: string): Promise<void> {
  const state = await findImport(importId);
  if (!state || !tooManyBadLines(state, maxBadShare())) return;
  await finishImport(importId, { status: 'failed', stopReason: 'too-many-bad-lines' }, clock().toISOString());
  throw new ImportStoppedError(importId);
}

/** The end of a run: done, or failed (`interrupted`: the engine gave up on a chunk; the import can be resumed). */
export async function completeImport(
  importId: string,
  failure?: 'interrupted' | 'too-many-bad-lines',
): Promise<ImportState | undefined> {
  const now = clock().toISOString();
  const state = await findImport(importId);
  if (state?.stopReason === 'too-many-bad-lines') return state;
  await finishImport(importId, failure ? { status: 'failed', stopReason: failure } : { status: 'done' }, now);
  return findImport(importId);
}

export interface InProcessRun {
  /** Chunks worked on at once (the local stand-in for the map's MaxConcurrency). */
  chunkConcurrency?: number;
  lineConcurrency?: number;
  /** Aborting stops the worker as a crash would: between two lines, with no checkpoint for the chunk in hand. */
  signal?: AbortSignal;
  /** Called after each chunk a run applied (progress; a test aborts the run midway from here). */
  onChunkDone?: (done: number) => void;
}

/**
 * The local engine: plans the file and runs every chunk of each phase through the same
 * worker code the Lambda runs, then completes the import. Running it again on an import that
 * stopped midway resumes it: checkpointed chunks are skipped, the rest re-applied line by line.
 */
export async function runImportInProcess(
  importId: string,
  fileKey: string,
  options: InProcessRun = {},
): Promise<'done' | 'stopped' | 'aborted'> {
  try {
    const plan = await planImport(importId, fileKey);
    let done = 0;
    for (const phase of IMPORT_PHASES) {
      await mapWithConcurrency(plan.chunks, options.chunkConcurrency ?? 2, async (chunk) => {
        if (options.signal?.aborted) throw new ImportAbortedError();
        await processImportChunk(
          { importId, fileKey, phase, chunk },
          {
            ...(options.signal ? { signal: options.signal } : {}),
            concurrency: options.lineConcurrency ?? LINE_CONCURRENCY,
          },
        );
        done += 1;
        options.onChunkDone?.(done);
      });
    }
    await completeImport(importId);
    return 'done';
  } catch (error) {
    if (error instanceof ImportStoppedError) return 'stopped';
    if (error instanceof ImportAbortedError) return 'aborted';
    await completeImport(importId, 'interrupted');
    throw error;
  }
}

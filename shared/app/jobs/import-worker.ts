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
import { isThrottling, StorageBusyError, TransactionConflictError } from '@shared/store/errors';
import { importFiles } from '@shared/store/import-files';
import {
  checkpointChunk,
  findImport,
  finishImport,
  markImportRunning,
  putLineErrors,
  type ImportState,
  type StopReason,
  type StoredLineError,
} from '@shared/store/items/import';
import { importMember } from '../import-member';
import { importPurchase } from '../import-purchase';
import { importSegmentLine } from '../segments';
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

/**
 * How a busy or throttled write is tried again: a line's transaction, then (in process) a whole
 * chunk, as the Step Functions map retries a chunk on AWS (infra/constructs/bulk-import.ts:
 * 2 s, doubling, 6 attempts). Lines and chunks are idempotent, so a retry never applies twice.
 */
export interface BusyRetry {
  attempts: number;
  firstDelayMs: number;
  backoffRate: number;
  maxDelayMs: number;
}
export const LINE_RETRY: BusyRetry = { attempts: 6, firstDelayMs: 250, backoffRate: 2, maxDelayMs: 8_000 };
export const CHUNK_RETRY: BusyRetry = { attempts: 6, firstDelayMs: 2_000, backoffRate: 2, maxDelayMs: 60_000 };

/** DynamoDB said "too busy" (throttled, a conflict, our own bounded retries gave up): worth another try later. */
export function isBusy(error: unknown): boolean {
  return (
    error instanceof StorageBusyError ||
    error instanceof TransactionConflictError ||
    (error instanceof Error && isThrottling(error.name))
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work`, again after a jittered, growing pause while it fails as busy; the last failure is thrown. */
export async function retryWhenBusy<T>(work: () => Promise<T>, policy: BusyRetry): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || attempt >= policy.attempts) throw error;
      const cap = Math.min(policy.maxDelayMs, policy.firstDelayMs * policy.backoffRate ** (attempt - 1));
      await sleep(cap / 2 + (Math.random() * cap) / 2);
    }
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
  retry: BusyRetry,
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
    // A busy write is tried again: the line's own condition refuses a second application.
    await retryWhenBusy(
      () =>
        line.kind === 'member'
          ? executeOnce(importMember(line), caller)
          : line.kind === 'purchase'
            ? executeOnce(importPurchase(line), caller)
            : executeOnce(importSegmentLine(line), caller),
      retry,
    );
    return 'applied';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error; // storage still busy after the retries: the chunk fails
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
  options: { signal?: AbortSignal; concurrency?: number; retry?: BusyRetry } = {},
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
    applyLine(entry, phase, state.createdBy, bad, options.signal, options.retry ?? LINE_RETRY),
  );
  const failed = outcomes.filter((o) => o === 'bad').length;
  const succeeded = outcomes.filter((o) => o === 'applied').length;
  // Errors first: a crash between the two leaves the chunk unchecked, and its re-run writes the same error items.
  await putLineErrors(importId, bad, clock());
  await checkpointChunk(importId, checkpoint, { processed: succeeded + failed, succeeded, failed });
  await stopIfTooManyBadLines(importId);
  return true;
}

/**
 * Stops an import whose share of bad lines so far is too high, before it reads the rest. One
 * that has processed every line is not stopped: it is done, with its bad lines counted.
 */
async function stopIfTooManyBadLines(importId: string): Promise<void> {
  const state = await findImport(importId);
  if (!state || state.processed >= state.lines || !tooManyBadLines(state, maxBadShare())) return;
  await finishImport(importId, { status: 'failed', stopReason: 'too-many-bad-lines' }, clock().toISOString());
  throw new ImportStoppedError(importId);
}

/**
 * The end of a run: done, or failed with why (`storage-busy`: still throttled after the
 * retries; `interrupted`: the engine gave up on a chunk for another reason). Either can be
 * resumed, and the same file sent again applies nothing twice.
 */
export async function completeImport(
  importId: string,
  failure?: Exclude<StopReason, 'too-many-bad-lines'>,
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
  /** How busy writes are retried (tests shorten the pauses). */
  lineRetry?: BusyRetry;
  chunkRetry?: BusyRetry;
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
        await retryWhenBusy(
          () =>
            processImportChunk(
              { importId, fileKey, phase, chunk },
              {
                ...(options.signal ? { signal: options.signal } : {}),
                concurrency: options.lineConcurrency ?? LINE_CONCURRENCY,
                retry: options.lineRetry ?? LINE_RETRY,
              },
            ),
          options.chunkRetry ?? CHUNK_RETRY,
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
    if (isBusy(error)) {
      // The progress says why and what to do (stopReason); no log line is needed to find out.
      await completeImport(importId, 'storage-busy');
      return 'stopped';
    }
    await completeImport(importId, 'interrupted');
    throw error;
  }
}

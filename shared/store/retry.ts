import { remainingMs } from '@shared/deadline';
import { StorageBusyError, TransactionConflictError, VersionConflictError } from './errors';

/**
 * The store's one retry policy. Optimistic writes lose races by design: an item changed since it was read is simply
 * read again (cheap, bounded). A TransactionConflict from DynamoDB (two transactions on
 * one item at the same moment; the SDK does not retry it), or keys a batch read left
 * unprocessed, get a few jittered retries,
 * then the caller is told to come back: 503 with Retry-After. Both loops also stop when the
 * request's deadline would pass before another attempt could finish: a count alone let 48
 * writers on one member hold requests for 18 s.
 */
export const retryPolicy = {
  maxStaleRetries: 50,
  maxConflictRetries: 4,
  baseDelayMs: 10,
  maxDelayMs: 200,
  /** Time an attempt (read, decide, transact) needs at the least; less left than this is not worth a try. */
  minAttemptMs: 100,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function jitteredDelay(attempt: number): number {
  const cap = Math.min(retryPolicy.maxDelayMs, retryPolicy.baseDelayMs * 2 ** attempt);
  return Math.random() * cap;
}

const busy = (cause: unknown) =>
  new StorageBusyError('Too many concurrent updates to this member; retry shortly.', 1, { cause });

/** Sleeps before the next attempt, or gives up now when that attempt would end past the deadline. */
async function backOff(delayMs: number, cause: unknown): Promise<void> {
  if (remainingMs() < delayMs + retryPolicy.minAttemptMs) throw busy(cause);
  await sleep(delayMs);
}

export async function withWriteRetries<T>(attempt: () => Promise<T>): Promise<T> {
  let stale = 0;
  let conflicts = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VersionConflictError && stale < retryPolicy.maxStaleRetries) {
        stale += 1;
        await backOff(jitteredDelay(Math.min(stale, 4)), error);
        continue;
      }
      if (error instanceof TransactionConflictError) {
        if (conflicts < retryPolicy.maxConflictRetries) {
          conflicts += 1;
          await backOff(jitteredDelay(conflicts), error);
          continue;
        }
        throw busy(error);
      }
      if (error instanceof VersionConflictError) throw busy(error);
      throw error;
    }
  }
}

/**
 * Repeats `attempt` with what it left undone (a batch read's unprocessed keys) until nothing
 * is left, with the same jittered backoff as conflicts.
 */
export async function untilDone<W>(work: W, attempt: (work: W) => Promise<W | undefined>): Promise<void> {
  let left: W | undefined = work;
  for (let retries = 0; left !== undefined; retries += 1) {
    if (retries > retryPolicy.maxConflictRetries)
      throw new StorageBusyError('The database left part of a batch read undone; retry shortly.');
    if (retries > 0) await sleep(jitteredDelay(retries));
    left = await attempt(left);
  }
}

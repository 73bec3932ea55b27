import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { store } from './client';
import { asStorageError, TransactionConflictError } from './errors';
import type { Item } from './item';
import { poolCodeWrites, uploadRefOf } from './items/code';
import { withWriteRetries } from './retry';

/** Codes per transaction: two items each (the code, its place in the pool): 98 of the 100 a transaction holds. */
const CODES_PER_TRANSACTION = 49;
/** Transactions in flight at once: 10,000 codes are 205 transactions, about 13 rounds. */
const PARALLEL_TRANSACTIONS = 16;

export interface PoolCodesAdded {
  /** Codes this upload put in the pool (now, or by an earlier attempt of the same upload). */
  added: string[];
  /** Codes that exist already in some pool, or issued: left out. */
  duplicates: string[];
}

/**
 * Puts uploaded codes in a reward's pool, many transactions at once. Each code is created only if
 * no code with its text exists in the region; a code that does is a duplicate — unless the
 * same upload (`uploadRef`) put it there before a crash or a retry, then it counts as added. The
 * reward's stock is NOT moved here: the caller adds what was added in its own final transaction,
 * with its idempotency record, so the stock moves exactly once per upload.
 */
export async function putPoolCodes(
  rewardId: string,
  texts: readonly string[],
  uploadRef: string,
): Promise<PoolCodesAdded> {
  const chunks: string[][] = [];
  for (let start = 0; start < texts.length; start += CODES_PER_TRANSACTION)
    chunks.push(texts.slice(start, start + CODES_PER_TRANSACTION));
  const result: PoolCodesAdded = { added: [], duplicates: [] };
  let next = 0;
  const worker = async () => {
    for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) {
      const done = await putChunk(rewardId, chunk, uploadRef);
      result.added.push(...done.added);
      result.duplicates.push(...done.duplicates);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_TRANSACTIONS, chunks.length) }, worker));
  return result;
}

/** One transaction of codes; the codes whose condition failed are sorted out and the rest written again. */
async function putChunk(rewardId: string, chunk: readonly string[], uploadRef: string): Promise<PoolCodesAdded> {
  const { client } = store();
  const done: PoolCodesAdded = { added: [], duplicates: [] };
  let left = [...chunk];
  while (left.length > 0) {
    const attempt = left;
    const failed = await withWriteRetries(async () => {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: attempt.flatMap((text) => poolCodeWrites(rewardId, text, uploadRef)),
          }),
        );
        return new Map<number, Item | undefined>();
      } catch (error) {
        return failedCodes(error);
      }
    });
    if (failed.size === 0) {
      done.added.push(...attempt);
      return done;
    }
    left = [];
    for (const [index, text] of attempt.entries()) {
      if (!failed.has(index)) left.push(text);
      else if (uploadRefOf(failed.get(index)) === uploadRef) done.added.push(text);
      else done.duplicates.push(text);
    }
  }
  return done;
}

/** The codes (by index in the chunk) whose create condition failed, with the item that exists; a conflict is retried. */
function failedCodes(error: unknown): Map<number, Item | undefined> {
  const name = (error as { name?: string }).name;
  if (name === 'TransactionConflictException') throw new TransactionConflictError({ cause: error });
  if (name !== 'TransactionCanceledException') throw asStorageError(error);
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Item }[] }).CancellationReasons ?? [];
  const failed = new Map<number, Item | undefined>();
  for (const [index, reason] of reasons.entries()) {
    if (reason.Code === 'ConditionalCheckFailed') {
      // Two items per code: the code item's condition is the one that fails.
      const item = reason.Item ? (unmarshall(reason.Item as Parameters<typeof unmarshall>[0]) as Item) : undefined;
      failed.set(Math.floor(index / 2), item);
    }
  }
  if (failed.size === 0) {
    if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new TransactionConflictError({ cause: error });
    throw asStorageError(error);
  }
  return failed;
}

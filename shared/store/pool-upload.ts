import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, PutCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { remainingMs } from '@shared/deadline';
import { batchGet } from './batch-get';
import { store } from './client';
import { asStorageError, StorageBusyError } from './errors';
import type { Item } from './item';
import { codeHash, codeKey, poolCodeItems, poolUploadLockKey, uploadRefOf } from './items/code';
import { untilDone } from './retry';

/** Keys per BatchGetItem and items per BatchWriteItem (DynamoDB's limits). */
const GET_BATCH = 100;
const WRITE_BATCH = 25;
/** Batch requests in flight at once. */
const PARALLEL_REQUESTS = 16;
/** How long an upload holds the lock at most (longer than a request's deadline): a crashed upload frees it then. */
const LOCK_LEASE_MS = 60_000;
/** How often a waiting upload tries the lock again. */
const LOCK_POLL_MS = 200;

export interface PoolCodesAdded {
  /** Codes this upload put in the pool (now, or by an earlier attempt of the same upload). */
  added: string[];
  /** Codes that exist already in some pool, or issued: left out. */
  duplicates: string[];
}

/**
 * Puts uploaded codes in a reward's pool. A code whose text exists in the region (in any pool, or
 * issued) is a duplicate — unless the same upload (`uploadRef`) put it there before a crash or a
 * retry, then it counts as added. The reward's stock is NOT moved here: the caller adds what was
 * added in its own final transaction, with its idempotency record, so it moves once per upload.
 *
 * Why batches and a lock, not a conditional write per code: 10,000 conditional writes (or 205
 * transactions of 49 codes) took 23–54 s on DynamoDB Local, past the 29 s request deadline.
 * Uploads take ONE lock in turn (a conditional put with a lease); under it the codes are read
 * in consistent batches of 100 and the new ones written in batches of 25 (code items first, then
 * their places in the pool, so a pool never points at a code that is not there). Only uploads
 * create `available` code items, so with uploads in turn nothing can create a code between the
 * read and the write; issuing changes existing codes only, and a generated code's text (60 random
 * bits, created on the condition that it is new) cannot be guessed by an upload.
 */
export async function putPoolCodes(
  rewardId: string,
  texts: readonly string[],
  uploadRef: string,
): Promise<PoolCodesAdded> {
  return withUploadLock(async () => {
    const existing = await storedCodes(texts);
    const result: PoolCodesAdded = { added: [], duplicates: [] };
    const fresh: string[] = [];
    const ownAgain: string[] = [];
    for (const text of texts) {
      const stored = existing.get(codeHash(text));
      if (!stored) fresh.push(text);
      else if (uploadRefOf(stored) === uploadRef && stored.rewardId === rewardId) ownAgain.push(text);
      else result.duplicates.push(text);
    }
    // An own code from an earlier attempt exists already: only its place in the pool is written again.
    const items = [...fresh, ...ownAgain].map((text) => poolCodeItems(rewardId, text, uploadRef));
    await batchWrite(items.slice(0, fresh.length).map((item) => item.code));
    await batchWrite(items.map((item) => item.place));
    result.added.push(...fresh, ...ownAgain);
    return result;
  });
}

/** The code items that exist for these texts, by hash (consistent reads, in parallel batches). */
async function storedCodes(texts: readonly string[]): Promise<Map<string, Item>> {
  const keys = texts.map((text) => codeKey(codeHash(text)));
  const batches: (typeof keys)[] = [];
  for (let start = 0; start < keys.length; start += GET_BATCH) batches.push(keys.slice(start, start + GET_BATCH));
  const found = new Map<string, Item>();
  await inParallel(batches, async (batch) => {
    const projection = { expression: '#hash, #status, #uploadRef, #rewardId', names: names() };
    for (const item of await batchGet(batch, projection, { consistent: true })) found.set(String(item.hash), item);
  });
  return found;
}

const names = () => ({ '#hash': 'hash', '#status': 'status', '#uploadRef': 'uploadRef', '#rewardId': 'rewardId' });

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

async function batchWrite(items: readonly Item[]): Promise<void> {
  const { client, tableName } = store();
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += WRITE_BATCH) batches.push(items.slice(start, start + WRITE_BATCH));
  await inParallel(batches, async (batch) => {
    const requests: WriteRequests = batch.map((item) => ({ PutRequest: { Item: item } }));
    await untilDone(requests, async (left) => {
      try {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: left } }));
        const unprocessed = result.UnprocessedItems?.[tableName];
        return unprocessed && unprocessed.length > 0 ? unprocessed : undefined;
      } catch (error) {
        throw asStorageError(error);
      }
    });
  });
}

async function inParallel<T>(work: readonly T[], run: (piece: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < work.length; index = next++) await run(work[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, work.length) }, worker));
}

/**
 * Runs `work` holding the pool uploads' lock: waits for another upload to finish (or its lease to
 * end), and answers 503 (retry with the same Idempotency-Key) if the request's time runs out first.
 */
async function withUploadLock<T>(work: () => Promise<T>): Promise<T> {
  const { client, tableName } = store();
  const holder = randomUUID();
  for (;;) {
    const now = Date.now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...poolUploadLockKey, entity: 'pool-upload-lock', holder, until: now + LOCK_LEASE_MS },
          ConditionExpression: 'attribute_not_exists(PK) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      break;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw asStorageError(error);
      if (remainingMs() < LOCK_POLL_MS * 2)
        throw new StorageBusyError('Another pool upload is running; retry shortly with the same Idempotency-Key.', 2);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    await client
      .send(
        new DeleteCommand({
          TableName: tableName,
          Key: poolUploadLockKey,
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      )
      // Lost only if the lease ended meanwhile and another upload holds it now: that one's to free.
      .catch(() => undefined);
  }
}

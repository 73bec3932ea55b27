import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LINE_ERROR_RETENTION_DAYS, type LineProblem } from '@shared/domain/import';
import { DAY_MS } from '@shared/domain/time';
import { batchGet } from '../batch-get';
import { store } from '../client';
import { pad } from '../keys';
import { createPut, type Item, type TransactItem } from '../item';
import { countStepOnce, finishRunning } from '../progress';
import { cursorPage, type Page } from '../query';
import { untilDone } from '../retry';

/**
 * An import: its progress counters, the checkpoints of the chunks already applied (a string
 * set on the item, so a chunk's counts are added once however often it runs), and its bad
 * lines as items of the same partition, keyed by line number.
 */
export type ImportStatus = 'waiting' | 'running' | 'done' | 'failed';
/**
 * Why an import stopped: too many bad lines (final), the database still busy after every retry,
 * or another failure of the engine (both resumable).
 */
export type StopReason = 'too-many-bad-lines' | 'storage-busy' | 'interrupted';

export interface ImportState {
  importId: string;
  status: ImportStatus;
  /** Where the file is: `imports/…` (sent inline) or `uploads/…` (PUT to the upload URL). */
  fileKey: string;
  /** The admin who started it: the partnerId on the ledger entries it posts. */
  createdBy: string;
  createdAt: string;
  lines: number;
  processed: number;
  succeeded: number;
  failed: number;
  startedAt?: string;
  finishedAt?: string;
  stopReason?: StopReason;
  /** Checkpoints of the chunks applied (`<phase>:<chunk>`). */
  chunksDone: string[];
}

const importPartition = (importId: string) => `IMPORT#${importId}`;
export const importKey = (importId: string) => ({ PK: importPartition(importId), SK: 'IMPORT' });
const ERROR_PREFIX = 'ERROR#';
const errorKey = (importId: string, line: number) => ({
  PK: importPartition(importId),
  SK: `${ERROR_PREFIX}${pad(line, 10)}`,
});

export function newImportPut(state: Omit<ImportState, 'chunksDone'>): TransactItem {
  return createPut({ ...importKey(state.importId), entity: 'import', ...state });
}

/**
 * Every import is also listed in one partition, keyed by its id (a ULID, so in the order they
 * were created): the admin's list, newest first, is one Query and a BatchGet of the page's
 * progress items. Imports are few (an admin's migrations), so one partition is plenty.
 */
const IMPORTS_LIST = 'IMPORTS';

export function importListingPut(importId: string, createdAt: string): TransactItem {
  return createPut({ PK: IMPORTS_LIST, SK: importId, entity: 'import-listing', importId, createdAt });
}

/** One page of the imports, newest first, each with its progress as it is now. */
export async function listImportStates(limit: number, cursor: string | undefined): Promise<Page<ImportState>> {
  const listings = await cursorPage(
    'imports',
    {
      partition: IMPORTS_LIST,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': IMPORTS_LIST },
      ScanIndexForward: false,
    },
    { limit, cursor },
    (item) => String(item.importId),
  );
  const found = new Map(
    (await batchGet(listings.items.map(importKey))).map((item) => [String(item.importId), itemToImport(item)]),
  );
  const items = listings.items.flatMap((importId) => found.get(importId) ?? []);
  return listings.nextCursor ? { items, nextCursor: listings.nextCursor } : { items };
}

function itemToImport(item: Item): ImportState {
  const done = item.chunksDone;
  const state: ImportState = {
    importId: String(item.importId),
    status: item.status as ImportStatus,
    fileKey: String(item.fileKey),
    createdBy: String(item.createdBy),
    createdAt: String(item.createdAt),
    lines: Number(item.lines ?? 0),
    processed: Number(item.processed ?? 0),
    succeeded: Number(item.succeeded ?? 0),
    failed: Number(item.failed ?? 0),
    chunksDone: done instanceof Set ? [...(done as Set<string>)] : [],
  };
  if (typeof item.startedAt === 'string') state.startedAt = item.startedAt;
  if (typeof item.finishedAt === 'string') state.finishedAt = item.finishedAt;
  if (item.stopReason) state.stopReason = item.stopReason as StopReason;
  return state;
}

export async function findImport(importId: string): Promise<ImportState | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: importKey(importId), ConsistentRead: true }),
  );
  return Item ? itemToImport(Item) : undefined;
}

/** The plan is known: the line count, and the import runs (again, after an interruption). */
export async function markImportRunning(importId: string, lines: number, now: string): Promise<void> {
  const { client, tableName } = store();
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: importKey(importId),
      // A stop for too many bad lines is final; an interrupted import runs again.
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(stopReason) OR stopReason <> :final)',
      UpdateExpression:
        'SET #status = :running, #lines = :lines, startedAt = if_not_exists(startedAt, :now) REMOVE stopReason',
      ExpressionAttributeNames: { '#status': 'status', '#lines': 'lines' },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':lines': lines,
        ':now': now,
        ':final': 'too-many-bad-lines',
      },
    }),
  );
}

/**
 * Adds a chunk's counts once (its checkpoint goes into `chunksDone` in the same write). Returns
 * false if it already was (a retried chunk).
 */
export function checkpointChunk(
  importId: string,
  checkpoint: string,
  counts: { processed: number; succeeded: number; failed: number },
): Promise<boolean> {
  return countStepOnce(importKey(importId), 'chunksDone', checkpoint, counts);
}

/** Ends a running import: done, or failed with why (an interrupted import may be resumed). */
export async function finishImport(
  importId: string,
  outcome: { status: 'done' } | { status: 'failed'; stopReason: StopReason },
  now: string,
): Promise<void> {
  // False when already finished by a concurrent worker: the first word stands.
  await finishRunning(
    importKey(importId),
    outcome.status,
    now,
    outcome.status === 'failed' ? { stopReason: outcome.stopReason } : {},
  );
}

export interface StoredLineError {
  line: number;
  problem: LineProblem;
}

/**
 * Bad lines are written by key (import, line): writing one again is harmless, so a retried chunk
 * adds none. Each keeps only its problem (never the line) and expires LINE_ERROR_RETENTION_DAYS
 * after it was found (DynamoDB's TTL deletes it).
 */
export async function putLineErrors(importId: string, errors: StoredLineError[], now: Date): Promise<void> {
  const { client, tableName } = store();
  const ttl = Math.floor((now.getTime() + LINE_ERROR_RETENTION_DAYS * DAY_MS) / 1000);
  for (let i = 0; i < errors.length; i += 25) {
    const requests = errors.slice(i, i + 25).map((error) => ({
      PutRequest: { Item: { ...errorKey(importId, error.line), entity: 'import-error', ...error, ttl } },
    }));
    await untilDone(requests, async (left) => {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: left } }));
      const unprocessed = result.UnprocessedItems?.[tableName];
      return unprocessed && unprocessed.length > 0 ? (unprocessed as typeof left) : undefined;
    });
  }
}

/** One page of an import's bad lines, in line order. */
export function listLineErrors(
  importId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<StoredLineError>> {
  return cursorPage(
    `import-errors:${importId}`,
    {
      partition: importPartition(importId),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': importPartition(importId), ':prefix': ERROR_PREFIX },
    },
    { limit, cursor },
    (item) => ({ line: Number(item.line), problem: item.problem as LineProblem }),
  );
}

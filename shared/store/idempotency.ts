import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { batchGet } from './batch-get';
import { store } from './client';
import { getItem } from './get';
import { createPut, type TransactItem } from './item';
import { memberPartition } from './keys';
import { queryAll } from './query';

/** The idempotency record item: per caller and key, with the answer the first request got. */
export const idempotencyKey = (scope: string, key: string) => ({
  PK: `IDEMPOTENCY#${scope}#${key}`,
  SK: 'IDEMPOTENCY',
});

/** Records are kept 24 hours (the contract's minimum); an expired one counts as absent. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyContext {
  /** The calling key's principal: keys are scoped per caller. */
  scope: string;
  key: string;
  /** SHA-256 of method, path and canonical body. */
  requestHash: string;
}

/**
 * The answer recorded for a key: written by the caller's protocol (shared/http), opaque to the
 * store. `text` is the first response's exact body text, so a replay answers it byte for byte
 * (DynamoDB keeps a map's values but not its key order). Records written before `text`
 * existed carry the body as `body`.
 */
export interface StoredResponse {
  status: number;
  text?: string;
  body?: unknown;
  /** An answer over 512 bytes (an earn with a basket's breakdown): its text deflated, in the record. */
  z?: Uint8Array;
  /** A long answer (the largest pool upload's 10,000 duplicates): its deflated text is in this many part items. */
  parts?: number;
}

/** A text longer than this (bytes) is kept deflated: the record of an earn of 20 lines drops from 3 KB to 1 (6 write units to 2). */
const DEFLATE_FROM_BYTES = 512;

/** An answer text longer than this (bytes) is kept deflated in part items beside the record: an item holds 400 KB. */
const RECORD_TEXT_BYTES = 200_000;
const PART_BYTES = 300_000;
const partKey = (context: Pick<IdempotencyContext, 'scope' | 'key'>, index: number) => ({
  PK: idempotencyKey(context.scope, context.key).PK,
  SK: `PART#${index}`,
});

/**
 * What the record keeps of an answer, and the part items written before it in the same
 * transaction: the answer itself, or for a long one `{ status, parts }` and its deflated text
 * cut in parts (a replay reads them back: `completeAnswer`).
 */
export function keptAnswer(
  context: IdempotencyContext,
  response: StoredResponse,
  now: Date,
): { recorded: StoredResponse; partPuts: TransactItem[] } {
  if (response.text === undefined || Buffer.byteLength(response.text) <= DEFLATE_FROM_BYTES)
    return { recorded: response, partPuts: [] };
  const deflated = deflateRawSync(Buffer.from(response.text));
  if (deflated.length <= RECORD_TEXT_BYTES) return { recorded: { status: response.status, z: deflated }, partPuts: [] };
  const partPuts: TransactItem[] = [];
  for (let start = 0; start < deflated.length; start += PART_BYTES)
    partPuts.push({
      Put: {
        TableName: store().tableName,
        Item: {
          ...partKey(context, partPuts.length),
          entity: 'idempotency-part',
          z: deflated.subarray(start, start + PART_BYTES),
          ttl: epochSeconds(now) + IDEMPOTENCY_TTL_SECONDS,
        },
      },
    });
  return { recorded: { status: response.status, parts: partPuts.length }, partPuts };
}

/** A kept answer with its deflated text (`z`) as text again. */
export function inflatedAnswer(response: StoredResponse): StoredResponse {
  if (!response.z) return response;
  return { status: response.status, text: inflateRawSync(response.z).toString() };
}

/** A kept answer with its text read back from its parts (one batch read), or as it is. */
export async function completeAnswer(
  context: Pick<IdempotencyContext, 'scope' | 'key'>,
  response: StoredResponse,
): Promise<StoredResponse> {
  if (!response.parts) return response;
  const keys = Array.from({ length: response.parts }, (_, index) => partKey(context, index));
  const found = await batchGet(keys, undefined, { consistent: true });
  const bySk = new Map(found.map((item) => [String(item.SK), item.z as Uint8Array]));
  const chunks = keys.map((key) => {
    const chunk = bySk.get(key.SK);
    if (!chunk) throw new Error('a part of a kept answer is missing');
    return chunk;
  });
  return { status: response.status, text: inflateRawSync(Buffer.concat(chunks)).toString() };
}

export type IdempotencyLookup =
  { kind: 'absent' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

export async function lookupIdempotency(context: IdempotencyContext, now: Date): Promise<IdempotencyLookup> {
  return interpretRecord(await getItem(idempotencyKey(context.scope, context.key)), context, now);
}

/** What a stored record (read, or returned by a failed condition) means for this request. */
export function interpretRecord(
  Item: Record<string, unknown> | undefined,
  context: IdempotencyContext,
  now: Date,
): IdempotencyLookup {
  // DynamoDB deletes TTL-expired items late (DynamoDB Local never): an expired record is treated as absent.
  if (!Item || (typeof Item.ttl === 'number' && Item.ttl <= epochSeconds(now))) return { kind: 'absent' };
  if (Item.requestHash !== context.requestHash) return { kind: 'mismatch' };
  return { kind: 'replay', response: inflatedAnswer(Item.response as StoredResponse) };
}

/** The record as one item of the use case's transaction: it commits with the effect or not at all. */
export function idempotencyRecordPut(context: IdempotencyContext, response: StoredResponse, now: Date): TransactItem {
  const { tableName } = store();
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...idempotencyKey(context.scope, context.key),
        entity: 'idempotency',
        requestHash: context.requestHash,
        response,
        createdAt: now.toISOString(),
        ttl: epochSeconds(now) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': epochSeconds(now) },
      // A used key fails this condition; the cancellation then carries the stored record, so a
      // replay is answered without reading it again (see commit.ts).
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Saves a refusal (a business-rule error found after reading state) so that a retry
 * with the same key answers the same. Nothing else is written with it: there is no effect.
 * When another request with the key won the race, the failed condition returns its record
 * (ALL_OLD), and what it means is the answer: no second call to read it.
 */
export async function saveIdempotentResponse(
  context: IdempotencyContext,
  response: StoredResponse,
  now: Date,
): Promise<{ kind: 'saved' } | IdempotencyLookup> {
  const { client } = store();
  const put = idempotencyRecordPut(context, response, now).Put;
  if (!put) throw new Error('an idempotency record is a Put');
  try {
    await client.send(new PutCommand(put));
    return { kind: 'saved' };
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
    if (!stored) throw new Error('the failed put returned no idempotency record (ALL_OLD)', { cause: error });
    return interpretRecord(unmarshall(stored), context, now);
  }
}

// ---------------------------------------------------------------- erasure

/**
 * A kept answer that carries a member's personal data (an enrolment's member view, an
 * adjustment's reason) leaves a pointer in that member's partition, written in the same
 * transaction as the record and expiring with it: erasure finds the records to redact with one
 * Query of the member's partition, instead of searching every record of every caller.
 */
const REPLAY_PREFIX = 'REPLAY#';
const replayPointerKey = (memberId: string, context: Pick<IdempotencyContext, 'scope' | 'key'>) => ({
  PK: memberPartition(memberId),
  SK: `${REPLAY_PREFIX}${context.scope}#${context.key}`,
});

export function replayPointerPut(memberId: string, context: IdempotencyContext, now: Date): TransactItem {
  return createPut({
    ...replayPointerKey(memberId, context),
    entity: 'replay-pointer',
    scope: context.scope,
    key: context.key,
    ttl: epochSeconds(now) + IDEMPOTENCY_TTL_SECONDS,
  });
}

/**
 * Rewrites every kept answer that points at the member with `redact` (erasure). A record whose
 * TTL passed, or that is gone, is left alone. Returns how many were rewritten.
 */
export async function redactKeptAnswers(
  memberId: string,
  redact: (response: StoredResponse) => StoredResponse,
): Promise<number> {
  const { client, tableName } = store();
  const pointers = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':prefix': REPLAY_PREFIX },
    ConsistentRead: true,
  });
  let redacted = 0;
  for (const pointer of pointers) {
    const key = idempotencyKey(String(pointer.scope), String(pointer.key));
    const record = await getItem(key);
    if (!record?.response) continue;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET #response = :response',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#response': 'response' },
          ExpressionAttributeValues: {
            ':response': redact(
              await completeAnswer(
                { scope: String(pointer.scope), key: String(pointer.key) },
                inflatedAnswer(record.response as StoredResponse),
              ),
            ),
          },
        }),
      );
      redacted += 1;
    } catch (error) {
      // Expired and deleted since it was read: nothing left to redact.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  return redacted;
}

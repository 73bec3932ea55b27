import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { store } from './client';
import { getItem } from './get';
import type { TransactItem } from './item';

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
}

export type IdempotencyLookup =
  { kind: 'absent' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

export async function lookupIdempotency(context: IdempotencyContext, now: Date): Promise<IdempotencyLookup> {
  const Item = await getItem(idempotencyKey(context.scope, context.key));
  // DynamoDB deletes TTL-expired items late (DynamoDB Local never): an expired record is treated as absent.
  if (!Item || (typeof Item.ttl === 'number' && Item.ttl <= epochSeconds(now))) return { kind: 'absent' };
  if (Item.requestHash !== context.requestHash) return { kind: 'mismatch' };
  return { kind: 'replay', response: Item.response as StoredResponse };
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
    },
  };
}

/**
 * Saves a refusal (a business-rule error found after reading state) so that a retry
 * with the same key answers the same. Nothing else is written with it: there is no effect.
 * Returns false when another request with the key won the race.
 */
export async function saveIdempotentResponse(
  context: IdempotencyContext,
  response: StoredResponse,
  now: Date,
): Promise<boolean> {
  const { client } = store();
  const put = idempotencyRecordPut(context, response, now).Put;
  if (!put) return false;
  try {
    await client.send(new PutCommand(put));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

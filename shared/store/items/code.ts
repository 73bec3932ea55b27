import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IssuedCode } from '@shared/domain/codes';
import { store } from '../client';
import { VersionConflictError } from '../errors';
import { getItem } from '../get';
import { memberPartition } from '../keys';
import { createPut, withoutStorageAttributes, type Item, type Key, type TransactItem } from '../item';
import type { CursorScope } from '../cursor';
import { cursorPage, type Page } from '../query';

/**
 * Reward codes. A code is ONE item keyed by a hash of its text, `CODE#<sha256>`: the till's
 * validate and use find it in one read, and the text appears in no key, index or log. Beside it:
 * - in the member's partition, `CODE#<codeId>` (written once at issue: the member's list, newest
 *   first) and, while the code is issued, `CODEDUE#<expiresAt>#<codeId>` (the codes' time rule
 *   reads the member's due ones in expiry order);
 * - for a pool reward, `POOL#<rewardId>` / `<hash>` while an uploaded code waits to be issued.
 * Only this module knows these keys and attributes.
 */

export const codeHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
export const codeKey = (hash: string): Key => ({ PK: `CODE#${hash}`, SK: 'CODE' });
const MEMBER_CODE_PREFIX = 'CODE#';
const CODE_DUE_PREFIX = 'CODEDUE#';
export const memberCodeKey = (memberId: string, codeId: string): Key => ({
  PK: memberPartition(memberId),
  SK: `${MEMBER_CODE_PREFIX}${codeId}`,
});
const codeDueKey = (code: Pick<IssuedCode, 'memberId' | 'expiresAt' | 'codeId'>): Key => ({
  PK: memberPartition(code.memberId),
  SK: `${CODE_DUE_PREFIX}${code.expiresAt}#${code.codeId}`,
});
const poolPartition = (rewardId: string) => `POOL#${rewardId}`;
const poolKey = (rewardId: string, hash: string): Key => ({ PK: poolPartition(rewardId), SK: hash });

/** A code item: an uploaded pool code not issued yet, or a code issued to a member. */
export type StoredCode =
  | { kind: 'available'; hash: string; code: string; rewardId: string; uploadRef: string; revision: number }
  | { kind: 'issued'; hash: string; state: IssuedCode; revision: number };

function itemToStoredCode(item: Item): StoredCode {
  const { hash, revision, ...rest } = withoutStorageAttributes(item) as Record<string, unknown> & {
    hash: string;
    revision: number;
  };
  if (rest.status === 'available')
    return {
      kind: 'available',
      hash,
      code: String(rest.code),
      rewardId: String(rest.rewardId),
      uploadRef: String(rest.uploadRef),
      revision,
    };
  return { kind: 'issued', hash, state: rest as unknown as IssuedCode, revision };
}

/** The code with this text, in one strongly consistent read. */
export async function findCodeByText(text: string): Promise<StoredCode | undefined> {
  const item = await getItem(codeKey(codeHash(text)));
  return item ? itemToStoredCode(item) : undefined;
}

async function findCodeByHash(hash: string): Promise<StoredCode | undefined> {
  const item = await getItem(codeKey(hash));
  return item ? itemToStoredCode(item) : undefined;
}

/** One of the member's codes by its id (the member's pointer, then the code): undefined when it is not theirs. */
export async function findMemberCode(memberId: string, codeId: string): Promise<StoredCode | undefined> {
  const pointer = await getItem(memberCodeKey(memberId, codeId));
  if (!pointer) return undefined;
  return findCodeByHash(String(pointer.codeHash));
}

/**
 * The member's codes, newest first, that `keep` answers for, filled up to `limit`: a page of
 * the member's pointers, then their codes.
 */
export function memberCodesPage<T>(
  memberId: string,
  scope: CursorScope,
  page: { limit: number; cursor?: string | undefined },
  keep: (code: StoredCode) => T | undefined,
): Promise<Page<T>> {
  const partition = memberPartition(memberId);
  return cursorPage(
    scope,
    {
      partition,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': MEMBER_CODE_PREFIX },
      ScanIndexForward: false,
    },
    page,
    async (pointer) => {
      const code = await findCodeByHash(String(pointer.codeHash));
      return code ? keep(code) : undefined;
    },
  );
}

/**
 * The member's issued codes whose `expiresAt` is before `now`, soonest first (at most `limit`),
 * when the next of the others expires, and whether more are past already.
 */
export async function memberCodesDue(
  memberId: string,
  now: Date,
  limit: number,
): Promise<{ due: Extract<StoredCode, { kind: 'issued' }>[]; nextDueAt: string | undefined; more: boolean }> {
  const { client, tableName } = store();
  const page = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':prefix': CODE_DUE_PREFIX },
      ConsistentRead: true,
      Limit: limit + 1,
    }),
  );
  const items = page.Items ?? [];
  const dueAtOf = (item: Item) => String(item.SK).slice(CODE_DUE_PREFIX.length, CODE_DUE_PREFIX.length + 24);
  const past = items.filter((item) => Date.parse(dueAtOf(item)) < now.getTime());
  const dueItems = past.slice(0, limit);
  const found = await Promise.all(dueItems.map((item) => findCodeByHash(String(item.codeHash))));
  const next = items[dueItems.length];
  return {
    due: found.filter((code): code is Extract<StoredCode, { kind: 'issued' }> => code?.kind === 'issued'),
    nextDueAt: next ? dueAtOf(next) : undefined,
    more: past.length > limit,
  };
}

/**
 * An available code of a pool reward, or undefined when the pool is empty. It starts at a random
 * point of the pool's (hash-ordered, so random) codes, so concurrent redemptions rarely pick the
 * same code; a pick lost to another redemption fails its condition and is decided again.
 */
export async function pickPoolCode(rewardId: string): Promise<StoredCode | undefined> {
  const { client, tableName } = store();
  const partition = poolPartition(rewardId);
  const query = async (from?: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: from ? 'PK = :pk AND SK >= :from' : 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition, ...(from ? { ':from': from } : {}) },
          ConsistentRead: true,
          Limit: 1,
        }),
      )
    ).Items?.[0];
  const start = codeHash(String(Math.random())).slice(0, 8);
  const pooled = (await query(start)) ?? (await query());
  if (!pooled) return undefined;
  const stored = await findCodeByHash(String(pooled.SK));
  // A concurrent redemption took this code between the pool's query and the code's read: the pool is
  // not empty, so read again and pick again (the caller's write retries), never "out of stock".
  if (stored?.kind !== 'available') throw new VersionConflictError();
  return stored;
}

// ---------------------------------------------------------------- writes

function codeItem(hash: string, code: IssuedCode, revision: number): Item {
  return { ...codeKey(hash), entity: 'code', hash, ...code, revision };
}

/**
 * The writes that issue a code to its member: the code item (a new generated text must be new in
 * the region; a pool code must still be available at the revision read), the member's pointer
 * and due item, and for a pool code its place in the pool removed.
 */
export function codeIssueWrites(
  code: IssuedCode,
  from: { kind: 'generated' } | { kind: 'pool'; stored: Extract<StoredCode, { kind: 'available' }> },
): TransactItem[] {
  const { tableName } = store();
  const hash = from.kind === 'pool' ? from.stored.hash : codeHash(code.code);
  const pointers = [
    createPut({ ...memberCodeKey(code.memberId, code.codeId), entity: 'member-code', codeHash: hash }),
    dueItemPut(code, hash),
  ];
  if (from.kind === 'generated') return [createPut(codeItem(hash, code, 1)), ...pointers];
  return [
    revisionPut(codeItem(hash, code, from.stored.revision + 1), from.stored.revision),
    {
      Delete: { TableName: tableName, Key: poolKey(code.rewardId, hash), ConditionExpression: 'attribute_exists(PK)' },
    },
    ...pointers,
  ];
}

function revisionPut(item: Item, revisionRead: number): TransactItem {
  return {
    Put: {
      TableName: store().tableName,
      Item: item,
      ConditionExpression: '#revision = :revision',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':revision': revisionRead },
    },
  };
}

function dueItemPut(code: IssuedCode, hash: string): TransactItem {
  return { Put: { TableName: store().tableName, Item: { ...codeDueKey(code), entity: 'code-due', codeHash: hash } } };
}

/**
 * A change of an issued code's state, conditioned on the revision read: of many tills using one
 * code at once, one write wins and every other fails its condition, reads the code again and is
 * refused (code-used). Leaving `issued` removes its due item; coming back to it puts the item again.
 */
export function codeChangeWrites(stored: Extract<StoredCode, { kind: 'issued' }>, next: IssuedCode): TransactItem[] {
  const { tableName } = store();
  const writes: TransactItem[] = [revisionPut(codeItem(stored.hash, next, stored.revision + 1), stored.revision)];
  const wasIssued = stored.state.status === 'issued';
  const isIssued = next.status === 'issued';
  if (wasIssued && !isIssued) writes.push({ Delete: { TableName: tableName, Key: codeDueKey(stored.state) } });
  if (!wasIssued && isIssued) writes.push(dueItemPut(next, stored.hash));
  return writes;
}

/**
 * An uploaded pool code: the code item (status `available`; `uploadRef` names the upload, so an
 * upload retried after a crash counts its own codes as added, not as duplicates) and its place in
 * the reward's pool. Written in batches under the upload lock (shared/store/pool-upload.ts).
 */
export function poolCodeItems(rewardId: string, text: string, uploadRef: string): { code: Item; place: Item } {
  const hash = codeHash(text);
  return {
    code: { ...codeKey(hash), entity: 'code', hash, status: 'available', code: text, rewardId, uploadRef, revision: 1 },
    place: { ...poolKey(rewardId, hash), entity: 'pool-code' },
  };
}

/** The one lock pool uploads take in turn (any pool: a code in any pool is a duplicate). */
export const poolUploadLockKey: Key = { PK: 'POOLUPLOAD', SK: 'LOCK' };

/** The upload a stored code item came from (an item returned by a failed condition). */
export function uploadRefOf(item: Item | undefined): string | undefined {
  return item && item.status === 'available' && typeof item.uploadRef === 'string' ? item.uploadRef : undefined;
}

import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SegmentDefinition } from '@shared/domain/segments';
import { store } from '../client';
import { conditionHeld } from '../errors';
import { getItem } from '../get';
import { deleteItem, plainPut, versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';
import { queryAll } from '../query';

/**
 * The segment items: every segment's definition lives in one partition (`SEGMENTS`), so the
 * catalog every member write evaluates is one Query (at most 100 items), cached per instance
 * (shared/store/segments.ts). A deleted segment leaves a tombstone there: member writes drop its
 * memberships, and keep those of segments they do not know yet.
 */
export const SEGMENTS_PARTITION = 'SEGMENTS';
const SEGMENT_PREFIX = 'SEGMENT#';
const DELETED_PREFIX = 'DELETED#';

export const segmentKey = (segmentId: string) => ({ PK: SEGMENTS_PARTITION, SK: `${SEGMENT_PREFIX}${segmentId}` });
const deletedKey = (segmentId: string) => ({ PK: SEGMENTS_PARTITION, SK: `${DELETED_PREFIX}${segmentId}` });

export type EvaluationStatus = 'pending' | 'running' | 'done';

/** The evaluation of every member a rules segment gets when it is created or its rules change. */
export interface SegmentEvaluationState {
  /** Which evaluation: the segment's revision when it started (a later change starts a new one). */
  revision: number;
  status: EvaluationStatus;
  evaluated: number;
  /** Not before: every function instance has read the new rules by then (the catalog's cache period). */
  notBefore: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface SegmentState extends SegmentDefinition {
  createdAt: string;
  updatedAt: string;
  evaluation?: SegmentEvaluationState;
}

export interface StoredSegment {
  segment: SegmentState;
  revision: number;
}

export function segmentToItem({ segment, revision }: StoredSegment): Item {
  return { ...segmentKey(segment.segmentId), entity: 'segment', ...segment, revision };
}

export function itemToSegment(item: Item): StoredSegment {
  const { revision, ...segment } = withoutStorageAttributes(item) as unknown as SegmentState & { revision: number };
  return { segment, revision };
}

export async function findSegment(segmentId: string): Promise<StoredSegment | undefined> {
  const item = await getItem(segmentKey(segmentId));
  return item ? itemToSegment(item) : undefined;
}

/** Creates the segment, or replaces the revision read. */
export function segmentPut(segment: SegmentState, revisionRead: number | undefined): TransactItem {
  return versionedPut(segmentToItem({ segment, revision: (revisionRead ?? 0) + 1 }), revisionRead, 'revision');
}

/** Deletes the revision read, and leaves its tombstone. */
export function segmentDeletes(segmentId: string, revisionRead: number, at: Date): TransactItem[] {
  return [
    deleteItem(segmentKey(segmentId), {
      condition: { expression: 'revision = :read', values: { ':read': revisionRead } },
    }),
    plainPut({ ...deletedKey(segmentId), entity: 'segment-deleted', deletedAt: at.toISOString() }),
  ];
}

/** A segment created again after a delete is no longer a tombstone. */
export const tombstoneRemoval = (segmentId: string): TransactItem => deleteItem(deletedKey(segmentId));

/** Every segment and every tombstone: one Query of one partition. */
export async function readSegmentCatalog(): Promise<{ segments: StoredSegment[]; deleted: Set<string> }> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': SEGMENTS_PARTITION },
    ConsistentRead: true,
  });
  const segments: StoredSegment[] = [];
  const deleted = new Set<string>();
  for (const item of items) {
    const sortKey = String(item.SK);
    if (sortKey.startsWith(SEGMENT_PREFIX)) segments.push(itemToSegment(item));
    else if (sortKey.startsWith(DELETED_PREFIX)) deleted.add(sortKey.slice(DELETED_PREFIX.length));
  }
  return { segments, deleted };
}

/**
 * Moves an evaluation on: `evaluated` members more, and (optionally) a new status. Only while
 * the segment still runs that evaluation (its revision): a change of rules meanwhile started
 * another, and this one's counts are no longer shown.
 */
export async function recordEvaluation(
  segmentId: string,
  revision: number,
  change: { evaluated?: number; status?: EvaluationStatus; at: Date },
): Promise<boolean> {
  const { client, tableName } = store();
  const set = ['#evaluation.#evaluated = #evaluation.#evaluated + :evaluated'];
  const values: Record<string, unknown> = { ':evaluated': change.evaluated ?? 0, ':revision': revision };
  const names: Record<string, string> = { '#evaluation': 'evaluation', '#evaluated': 'evaluated', '#rev': 'revision' };
  if (change.status) {
    set.push('#evaluation.#status = :status');
    names['#status'] = 'status';
    values[':status'] = change.status;
    const stamp = change.status === 'running' ? 'startedAt' : change.status === 'done' ? 'finishedAt' : undefined;
    if (stamp) {
      set.push(`#evaluation.#${stamp} = :${stamp}`);
      names[`#${stamp}`] = stamp;
      values[`:${stamp}`] = change.at.toISOString();
    }
  }
  return conditionHeld(
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: segmentKey(segmentId),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: '#evaluation.#rev = :revision',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/**
 * Where one part of an evaluation (a segment of the parallel scan) got to: the scan's last key,
 * and whether it is done. A part resumes from here, whichever invocation or process runs it.
 */
export interface EvaluationPart {
  cursor?: Record<string, unknown>;
  done: boolean;
}

const evaluationPartKey = (segmentId: string, revision: number, part: number) => ({
  PK: `SEGMENT#${segmentId}#EVALUATION`,
  SK: `${revision}#${part}`,
});

export async function findEvaluationPart(segmentId: string, revision: number, part: number): Promise<EvaluationPart> {
  const item = await getItem(evaluationPartKey(segmentId, revision, part));
  return item
    ? { done: item.done === true, ...(item.cursor ? { cursor: item.cursor as Record<string, unknown> } : {}) }
    : { done: false };
}

/**
 * One step of a part, exactly once: its new position and the members it evaluated added to the
 * segment's progress, in one transaction, on the condition that the segment still runs this
 * evaluation (false: a change of rules superseded it, nothing is written).
 */
export async function checkpointEvaluationPart(
  segmentId: string,
  revision: number,
  part: number,
  step: EvaluationPart & { evaluated: number },
): Promise<boolean> {
  const { client, tableName } = store();
  try {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          plainPut({
            ...evaluationPartKey(segmentId, revision, part),
            entity: 'segment-evaluation-part',
            done: step.done,
            ...(step.cursor ? { cursor: step.cursor } : {}),
          }),
          {
            Update: {
              TableName: tableName,
              Key: segmentKey(segmentId),
              UpdateExpression: 'SET #evaluation.#evaluated = #evaluation.#evaluated + :evaluated',
              ConditionExpression: '#evaluation.#revision = :revision',
              ExpressionAttributeNames: {
                '#evaluation': 'evaluation',
                '#evaluated': 'evaluated',
                '#revision': 'revision',
              },
              ExpressionAttributeValues: { ':evaluated': step.evaluated, ':revision': revision },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'TransactionCanceledException') return false;
    throw error;
  }
}

/** Part of a write that names a segment (a campaign, a rule): the segment exists when it commits. */
export function segmentExistsCheck(segmentId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: store().tableName,
      Key: segmentKey(segmentId),
      ConditionExpression: 'attribute_exists(PK)',
    },
  };
}

/**
 * What names segments and what deletes them, counted on one item of the catalog's partition, so
 * a delete and a save that names its segment cannot both commit on what they read before the
 * other: the delete is conditioned on the namings it read (a save naming any segment in between
 * makes it decide again, and find the name), a program save on the deletions it read (a delete
 * in between makes it check its segments again). Campaigns and rewards also check their segments
 * in their own transactions; a program may name too many to check each one there.
 */
const linksKey = { PK: SEGMENTS_PARTITION, SK: 'LINKS' };

export interface SegmentLinks {
  namings: number;
  deletions: number;
}

export async function readSegmentLinks(): Promise<SegmentLinks> {
  const item = await getItem(linksKey);
  return { namings: Number(item?.namings ?? 0), deletions: Number(item?.deletions ?? 0) };
}

/** One count moved on, conditioned on the other count as it was read (none read: not conditioned). */
function linksAdd(count: keyof SegmentLinks, other?: { name: keyof SegmentLinks; read: number }): TransactItem {
  const condition = other
    ? other.read === 0
      ? { ConditionExpression: 'attribute_not_exists(#other) OR #other = :read' }
      : { ConditionExpression: '#other = :read' }
    : {};
  return {
    Update: {
      TableName: store().tableName,
      Key: linksKey,
      UpdateExpression: 'ADD #count :one',
      ...condition,
      ExpressionAttributeNames: { '#count': count, ...(other ? { '#other': other.name } : {}) },
      ExpressionAttributeValues: { ':one': 1, ...(other ? { ':read': other.read } : {}) },
    },
  };
}

/** Part of a save that names segments; with `deletionsRead`, it fails if a segment was deleted since. */
export const segmentNamingAdd = (deletionsRead?: number): TransactItem =>
  linksAdd('namings', deletionsRead === undefined ? undefined : { name: 'deletions', read: deletionsRead });

/** Part of a segment's delete: it fails if anything named a segment since `namingsRead`. */
export const segmentDeletionAdd = (namingsRead: number): TransactItem =>
  linksAdd('deletions', { name: 'namings', read: namingsRead });

import { DAY_MS } from '@shared/domain/time';
import type { Item } from './item';
import { itemToEnrolment } from './items/referral-code';
import { queryAll } from './query';
import { ACTIVITY_SHARDS, indexKeys } from './keys';
import { indexNames } from './table';

/**
 * Activity by day (GSI1, sparse, sharded): the only way metrics read facts. A time range
 * is one Query per (day, shard) bucket it touches, so what a read costs grows with what
 * happened in the range, never with the table's history. No Scan.
 */

/** Queries in flight at once: enough to read a 60-day window quickly, few enough not to burst. */
const QUERY_CONCURRENCY = 16;

/** The UTC days (YYYY-MM-DD) that the half-open range [from, to) touches. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(to);
  for (let day = Math.floor(Date.parse(from) / DAY_MS) * DAY_MS; day < end; day += DAY_MS)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

export async function mapWithConcurrency<T, R>(
  inputs: T[],
  limit: number,
  work: (input: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next;
      next += 1;
      results[index] = await work(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/** One bucket's facts in [from, to): the sort key is `<time>#<id>`, so BETWEEN from AND to excludes `to` itself. */
async function queryBucket(partition: string, from: string, to: string): Promise<Item[]> {
  return queryAll({
    IndexName: indexNames.activityByDay,
    KeyConditionExpression: 'GSI1PK = :bucket AND GSI1SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':bucket': partition, ':from': from, ':to': to },
  });
}

/** Every fact recorded in [from, to), in time order (ties by id, so runs over the same range read the same). */
export async function readActivity(from: string, to: string): Promise<Item[]> {
  if (to <= from) return [];
  const buckets = daysOf(from, to).flatMap((day) =>
    Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => indexKeys.activityPartition(day, shard)),
  );
  const pages = await mapWithConcurrency(buckets, QUERY_CONCURRENCY, (bucket) => queryBucket(bucket, from, to));
  const sortKey = (item: Item) => String(item.GSI1SK);
  return pages.flat().sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

export interface Enrolment {
  memberId: string;
  createdAt: string;
  /** Its place on the index (`<createdAt>#<memberId>`): where a page of enrolments resumes. */
  sortKey: string;
}

/**
 * The enrolments recorded in [from, before) of one UTC day, newest first: one Query per shard
 * of the day (each enrolment's referral-code claim is its one entry on GSI1), only the claims
 * returned. `from` and `before` are index sort keys (`<time>#<id>`) within that day.
 */
export async function enrolmentsOfDay(day: string, from: string, before: string): Promise<Enrolment[]> {
  const shards = await mapWithConcurrency(
    Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => indexKeys.activityPartition(day, shard)),
    QUERY_CONCURRENCY,
    (bucket) =>
      queryAll({
        IndexName: indexNames.activityByDay,
        KeyConditionExpression: 'GSI1PK = :bucket AND GSI1SK BETWEEN :from AND :before',
        FilterExpression: '#entity = :claim',
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: { ':bucket': bucket, ':from': from, ':before': before, ':claim': 'referral-code' },
      }),
  );
  return shards
    .flat()
    .map((item) => ({ ...itemToEnrolment(item), sortKey: String(item.GSI1SK) }))
    .filter((enrolment) => enrolment.sortKey < before)
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
}

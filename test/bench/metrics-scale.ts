/**
 * The metrics job at scale (the target: ≥ 20,000 members, ≥ 100,000 purchases over 60 days on
 * DynamoDB Local). Driving 100,000 earns through the handlers would take most of an hour on a
 * 2-core machine, so the history is written as a bulk import writes it: member items with their
 * purchase facts and imported order items, built by the store's own item mappers, through
 * BatchWriteItem, recorded (GSI1) when they happened. Then the job runs as the schedule runs it:
 * - `catchUp`: the first run digests the 60 days (what a deployment's first hours do);
 * - `hourly`: an hour later, with an hour's worth of new purchases (the steady state, priced in infra/README.md);
 * - `idle`: right after, with nothing new.
 * Each run is measured in this process: items and bytes read, queries, read units, peak heap, time.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { handler as runMetricsJob } from '@functions/metrics-job';
import { defaultWindow } from '@shared/domain/metrics';
import { newMember } from '@shared/domain/member';
import { newOrder, type OrderState } from '@shared/domain/order';
import { store } from '@shared/store/client';
import { memberToItem } from '@shared/store/items/member';
import { orderToItem } from '@shared/store/items/order';
import { totalsAt } from '@shared/app/jobs/running-totals';
import { windowSummary } from '@shared/store/window-facts';
import { pool } from './api-client';
import { DAY_MS, realNow, resetClock, setClock } from './clock';
import type { DynamoRecorder } from './dynamo-recorder';
import { measureJobRun, type JobFigures } from './metrics-job';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface ScaleFigures {
  members: number;
  purchases: number;
  seedSeconds: number;
  catchUp: ScaleRun;
  hourly: ScaleRun & { newPurchases: number };
  idle: ScaleRun;
  /** What the fold of the two windows keeps (heap after a GC with it held, less without): it grows with members. */
  fold: { members: number; retainedMB: number; bytesPerMember: number };
}

/** A run's figures, with the part of them that read the job's digests (Query on its own partition). */
export type ScaleRun = JobFigures & { digestItems: number; digestBytes: number; digestRru: number };

type Item = Record<string, unknown>;

/** History is stored as a bulk import stores it: an order no ledger entry records. */
const importedOrderItem = (order: OrderState): Item => orderToItem({ ...order, imported: true });

export async function batchWrite(items: Item[]): Promise<void> {
  const { client, tableName } = store();
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
  await pool(batches.length, 8, async (index) => {
    let pending: Record<string, unknown>[] = (batches[index] ?? []).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const answer = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (answer.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
}

/** Members and their orders over the 60 days before `now`, written as history. */
async function seed(members: number, purchases: number, now: number): Promise<string[]> {
  const from = now - 60 * DAY_MS;
  const ids = Array.from(
    { length: members },
    (_, i) => `scale-${String(i).padStart(6, '0')}-${randomUUID().slice(0, 8)}`,
  );
  const times = new Map<string, number[]>(ids.map((id) => [id, []]));
  const orders: Item[] = [];
  for (let i = 0; i < purchases; i += 1) {
    // Spread evenly over the 60 days, members in a stride so that each buys every few days.
    const at = from + Math.floor(((now - 3_600_000 - from) * i) / purchases);
    const memberId = ids[(i * 7919) % members] ?? '';
    times.get(memberId)?.push(at);
    const occurredAt = new Date(at).toISOString();
    orders.push(
      importedOrderItem(
        newOrder(memberId, `o-${i}`, { value: 1_000 + (i % 50) * 100, currency: 'EUR' }, occurredAt, new Date(at)),
      ),
    );
  }
  const memberItems = ids.map((memberId) => {
    const bought = times.get(memberId) ?? [];
    const member = newMember({
      memberId,
      referralCode: memberId.slice(-8).toUpperCase(),
      createdAt: new Date(from - DAY_MS).toISOString(),
      profile: {},
      consent: { marketing: false, analytics: true },
    });
    const first = bought[0];
    const last = bought.at(-1);
    return memberToItem({
      ...member,
      version: 1,
      purchases: {
        count: bought.length,
        spendByDay: {},
        ...(first !== undefined ? { firstAt: new Date(first).toISOString() } : {}),
        ...(last !== undefined ? { lastAt: new Date(last).toISOString() } : {}),
      },
    });
  });
  await batchWrite(memberItems);
  await batchWrite(orders);
  return ids;
}

async function measure(recorder: DynamoRecorder): Promise<ScaleRun> {
  const { figures, calls } = await measureJobRun(recorder, () => runMetricsJob());
  const digests = calls.filter(
    (c) =>
      c.operation === 'Query' &&
      c.requestBody.IndexName === undefined &&
      JSON.stringify(c.requestBody.ExpressionAttributeValues ?? {}).includes('"METRICS"'),
  );
  return {
    ...figures,
    rru: Number(figures.rru.toFixed(1)),
    digestItems: digests.reduce((sum, c) => sum + c.itemsRead, 0),
    digestBytes: digests.reduce((sum, c) => sum + c.bytesRead, 0),
    digestRru: Number(digests.reduce((sum, c) => sum + c.rru, 0).toFixed(1)),
  };
}

async function retainedByFold(at: Date): Promise<ScaleFigures['fold']> {
  const totals = await totalsAt(at);
  gc();
  const before = process.memoryUsage().heapUsed;
  const summary = await windowSummary(defaultWindow(at), totals);
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  const members = summary.members.size;
  return {
    members,
    retainedMB: Number((Math.max(0, retained) / 1_048_576).toFixed(2)),
    bytesPerMember: Math.round(Math.max(0, retained) / Math.max(1, members)),
  };
}

export async function measureMetricsScale(
  recorder: DynamoRecorder,
  size: { members: number; purchases: number },
  log: (message: string) => void,
): Promise<ScaleFigures> {
  // The job starts where the history does (a deployment's METRICS_EPOCH), not years before it.
  const now = realNow();
  const epoch = process.env.METRICS_EPOCH;
  process.env.METRICS_EPOCH = new Date(now - 61 * DAY_MS).toISOString();
  recorder.accounting = false;
  try {
    const t0 = performance.now();
    const members = await seed(size.members, size.purchases, now);
    const seedSeconds = Math.round((performance.now() - t0) / 1000);
    log(`metrics scale: seeded ${size.members} members and ${size.purchases} orders in ${seedSeconds} s`);
    // The job's own clock: the catch-up at `now`, the hourly run an hour later.
    recorder.accounting = true;
    setClock(now);
    const catchUp = await measure(recorder);
    log(`metrics scale: catch-up run ${catchUp.durationMs} ms`);
    // A catch-up that did not read the history would make every figure below meaningless.
    if (catchUp.itemsRead < size.purchases)
      throw new Error(`the catch-up read ${catchUp.itemsRead} items of ${size.purchases} seeded purchases`);
    // An hour of a program this size: its 60 days' purchases / (60 × 24).
    const newPurchases = Math.ceil(size.purchases / (60 * 24));
    recorder.accounting = false;
    const orders = Array.from({ length: newPurchases }, (_, i) => {
      const at = now + Math.floor((3_600_000 * i) / newPurchases);
      return importedOrderItem(
        newOrder(
          members[i % members.length] ?? '',
          `new-${i}`,
          { value: 2_000, currency: 'EUR' },
          new Date(at).toISOString(),
          new Date(at),
        ),
      );
    });
    await batchWrite(orders);
    recorder.accounting = true;
    setClock(now + 3_600_000 + 10 * 60_000);
    const hourly = { ...(await measure(recorder)), newPurchases };
    const idle = await measure(recorder);
    const fold = await retainedByFold(new Date(now + 3_600_000 + 10 * 60_000));
    return { members: size.members, purchases: size.purchases, seedSeconds, catchUp, hourly, idle, fold };
  } finally {
    resetClock();
    recorder.accounting = true;
    if (epoch === undefined) delete process.env.METRICS_EPOCH;
    else process.env.METRICS_EPOCH = epoch;
  }
}

/**
 * The metrics job under growing history and growing window activity. Each scenario gets its own
 * table: members buy across the past year through the real handlers (clock moved back), one
 * snapshot run catches up (as the hourly schedule would have), a little new activity arrives, and
 * the next run is measured — items read, queries and peak heap — through the same route an admin
 * calls (`POST /v1/admin/metrics/snapshots`, the computation the scheduled job runs).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { handler as runMetricsJob } from '@functions/metrics-job';
import { pool, type ApiClient } from './api-client';
import { DAY_MS, realNow, resetClock, setClock } from './clock';
import type { DynamoCall, DynamoRecorder } from './dynamo-recorder';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface JobFigures {
  itemsRead: number;
  bytesRead: number;
  queries: number;
  peakHeapMB: number;
  calls: number;
  rru: number;
  durationMs: number;
}

export interface Scenario {
  members: number;
  /** Purchases 61–365 days back: history the job should not need to read again. */
  historyPurchases: number;
  /** Purchases in the last 60 days (the current and the previous 30-day window). */
  windowPurchases: number;
  /** Purchases since the last run. */
  newPurchases: number;
}

async function seed(api: ApiClient, scenario: Scenario): Promise<string[]> {
  const start = realNow() - 366 * DAY_MS;
  setClock(start);
  const members: string[] = [];
  try {
    await pool(scenario.members, 8, async () => void members.push(await api.enrol()));
    const purchases: { day: number; member: string }[] = [];
    const spread = (count: number, fromDay: number, toDay: number) => {
      for (let i = 0; i < count; i += 1) {
        const day = fromDay + Math.floor(((toDay - fromDay) * i) / count);
        purchases.push({ day, member: members[i % members.length] ?? '' });
      }
    };
    spread(scenario.historyPurchases, 1, 305); // 365..61 days back
    spread(scenario.windowPurchases, 306, 366); // the last 60 days
    purchases.sort((a, b) => a.day - b.day);
    for (let i = 0; i < purchases.length;) {
      const day = purchases[i]?.day ?? 0;
      const batch: string[] = [];
      while (i < purchases.length && purchases[i]?.day === day) batch.push(purchases[i++]?.member ?? '');
      setClock(Math.min(start + day * DAY_MS, realNow() - 3_600_000));
      // One purchase per member at a time: concurrent earns of one member would only retry each other.
      const byMember = new Map<string, number>();
      for (const member of batch) byMember.set(member, (byMember.get(member) ?? 0) + 1);
      await pool(byMember.size, 8, async (k) => {
        const [member, count] = [...byMember.entries()][k] ?? ['', 0];
        for (let n = 0; n < count; n += 1) await api.earn(member, `m-${randomUUID()}`, 1500 + n * 100);
      });
    }
  } finally {
    resetClock();
  }
  return members;
}

/** Runs one job run under the recorder, sampling the heap every millisecond over a baseline taken after a GC. */
export async function measureJobRun(
  recorder: DynamoRecorder,
  run: () => Promise<unknown>,
): Promise<{ figures: JobFigures; calls: DynamoCall[] }> {
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 1);
  const t0 = performance.now();
  const { calls } = await recorder.during(run);
  const durationMs = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const figures = {
    itemsRead: calls.reduce((sum, c) => sum + c.itemsRead, 0),
    bytesRead: calls.reduce((sum, c) => sum + c.bytesRead, 0),
    queries: calls.filter((c) => c.operation === 'Query').length,
    peakHeapMB: Number(((peak - baseline) / 1_048_576).toFixed(2)),
    calls: calls.length,
    rru: calls.reduce((sum, c) => sum + c.rru, 0),
    durationMs: Math.round(durationMs),
  };
  return { figures, calls };
}

async function snapshot(api: ApiClient, recorder: DynamoRecorder): Promise<JobFigures> {
  const { figures } = await measureJobRun(recorder, () =>
    api.expect(201, 'POST', '/v1/admin/metrics/snapshots', { key: api.adminKey, body: {} }),
  );
  return figures;
}

/** Seeds a scenario, catches the job up, adds the new purchases and measures the next run (and an idle one). */
export async function runScenario(
  api: ApiClient,
  recorder: DynamoRecorder,
  scenario: Scenario,
  options: { idleAfter?: boolean } = {},
): Promise<{ run: JobFigures; idle?: JobFigures }> {
  recorder.accounting = false;
  const members = await seed(api, scenario);
  // The catch-up over the seeded year is what the hourly schedule would have done: it runs as the
  // scheduled job does (no API request's 8 s deadline, which a busy 2-core machine can outrun).
  await runMetricsJob();
  await pool(scenario.newPurchases, 4, async (i) => {
    await api.earn(members[i % members.length] ?? '', `new-${randomUUID()}`);
  });
  recorder.accounting = true;
  const run = await snapshot(api, recorder);
  const idle = options.idleAfter ? await snapshot(api, recorder) : undefined;
  return idle ? { run, idle } : { run };
}

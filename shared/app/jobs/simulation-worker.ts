import { ProgramHistory, replayMemberHistory, sumReplays, type ReplayResult } from '@shared/domain/simulation';
import { DAY_MS } from '@shared/domain/time';
import { daysOf, mapWithConcurrency } from '@shared/store/activity';
import { ACTIVITY_SHARDS, indexKeys, shardOf } from '@shared/store/keys';
import {
  birthdaysOf,
  checkpointStep,
  findSimulation,
  finishSimulation,
  membersOfShard,
  ordersOfMember,
  partials,
  putMemberLists,
  putPartial,
  savedProgramVersions,
  type SimulationState,
} from '@shared/store/items/simulation';
import { queryEach } from '@shared/store/query';
import { readProgram } from '@shared/store/program';
import { CHUNK_RETRY, LINE_RETRY, retryWhenBusy } from './import-worker';
import { indexNames } from '@shared/store/table';

/**
 * The simulation's steps (issue #28). The same code runs in the bulk import's worker Lambda,
 * invoked by the simulation state machine's Distributed Maps on AWS
 * (infra/constructs/program-simulation.ts), and in-process locally (`runSimulationInProcess`):
 * 1. `collectDay` (one per UTC day from `from` to when it was asked for): the members whose
 *    purchases the activity index recorded that day (an earn, a cashback credit, an imported
 *    order: a purchase that occurred in the period is recorded on or after it occurred), stored
 *    by member shard;
 * 2. `replayShard` (one per shard): each member's orders (one Query of its partition) replayed
 *    under the versions in force and the draft (shared/domain/simulation.ts), summed into the
 *    shard's partial result;
 * 3. `completeSimulation`: the partial results summed into the simulation's result.
 * Each step writes by key and is counted once (a checkpoint on the simulation item), so a step
 * run again (a retry, a redriven execution) changes nothing: the run is resumable.
 */

/** Member partitions read at once by one replay step. */
export const MEMBER_CONCURRENCY = 16;
/** Members whose birthdays are read in one batch. */
const MEMBERS_PER_BATCH = 100;

const clock = () => new Date();

async function running(simulationId: string): Promise<SimulationState | undefined> {
  const state = await findSimulation(simulationId);
  return state?.status === 'running' ? state : undefined;
}

/** The UTC days whose activity a simulation reads, and the range of each it reads. */
export function simulationDays(state: Pick<SimulationState, 'from' | 'createdAt'>): { from: string; to: string }[] {
  if (state.from >= state.createdAt) return [];
  return daysOf(state.from, state.createdAt).map((day) => {
    const start = `${day}T00:00:00.000Z`;
    const end = new Date(Date.parse(start) + DAY_MS).toISOString();
    return { from: start < state.from ? state.from : start, to: end > state.createdAt ? state.createdAt : end };
  });
}

/** The steps of a simulation: its days, then its shards (the state machine's two maps). */
export async function planSimulation(simulationId: string): Promise<{ days: number[]; shards: number[] }> {
  const state = await running(simulationId);
  if (!state) return { days: [], shards: [] };
  return {
    days: simulationDays(state).map((_, index) => index),
    shards: Array.from({ length: state.shards }, (_, shard) => shard),
  };
}

const isPurchaseFact = (item: Record<string, unknown>) =>
  String(item.PK).startsWith('MEMBER#') &&
  (item.entity === 'order' || (item.entity === 'ledger' && (item.type === 'earn' || item.type === 'cashback')));

/** Step 1: the members with a purchase recorded on one day, by shard. */
export async function collectDay(simulationId: string, dayIndex: number): Promise<void> {
  const state = await running(simulationId);
  const range = state ? simulationDays(state)[dayIndex] : undefined;
  if (!state || !range) return;
  const day = range.from.slice(0, 10);
  const members = new Set<string>();
  await mapWithConcurrency(
    Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => indexKeys.activityPartition(day, shard)),
    ACTIVITY_SHARDS,
    (bucket) =>
      queryEach(
        {
          IndexName: indexNames.activityByDay,
          KeyConditionExpression: 'GSI1PK = :bucket AND GSI1SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':bucket': bucket, ':from': range.from, ':to': range.to },
          ProjectionExpression: 'PK, entity, #type',
          ExpressionAttributeNames: { '#type': 'type' },
        },
        (items) => {
          for (const item of items) if (isPurchaseFact(item)) members.add(String(item.PK).slice('MEMBER#'.length));
        },
      ),
  );
  const byShard = new Map<number, string[]>();
  for (const memberId of [...members].sort()) {
    const shard = shardOf(memberId, state.shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), memberId]);
  }
  await putMemberLists(simulationId, day, byShard);
  await checkpointStep(simulationId, `day:${dayIndex}`);
}

/** The program's history: its saved versions, or the deployment's default while none was saved. */
async function programHistory(): Promise<ProgramHistory> {
  const saved = await savedProgramVersions();
  if (saved.length > 0) return new ProgramHistory(saved);
  const { program } = await readProgram();
  return new ProgramHistory([program]);
}

/** Step 2: every member of a shard replayed; the shard's figures stored. */
export async function replayShard(simulationId: string, shard: number): Promise<ReplayResult | undefined> {
  const state = await running(simulationId);
  if (!state) return undefined;
  const [memberIds, history] = await Promise.all([membersOfShard(simulationId, shard), programHistory()]);
  const period = { from: state.from, to: state.to };
  const results: ReplayResult[] = [];
  for (let start = 0; start < memberIds.length; start += MEMBERS_PER_BATCH) {
    const batch = memberIds.slice(start, start + MEMBERS_PER_BATCH);
    const birthdays = await birthdaysOf(batch);
    results.push(
      ...(await mapWithConcurrency(batch, MEMBER_CONCURRENCY, async (memberId) =>
        replayMemberHistory({
          memberId,
          birthday: birthdays.get(memberId),
          orders: await retryWhenBusy(() => ordersOfMember(memberId), LINE_RETRY),
          history,
          draft: state.program,
          period,
        }),
      )),
    );
  }
  const result = sumReplays(results);
  await putPartial(simulationId, shard, result);
  await checkpointStep(simulationId, `shard:${shard}`);
  return result;
}

/** Step 3: the shards' figures summed (or the run marked failed when a step kept failing). */
export async function completeSimulation(simulationId: string, failed = false): Promise<SimulationState | undefined> {
  const now = clock().toISOString();
  if (failed) await finishSimulation(simulationId, { status: 'failed' }, now);
  else await finishSimulation(simulationId, { status: 'done', result: sumReplays(await partials(simulationId)) }, now);
  return findSimulation(simulationId);
}

/** Steps run at once in process (locally): the Distributed Map's concurrency on AWS. */
const STEP_CONCURRENCY = 4;

/** The whole run in this process: the local engine's, and the bench's. */
export async function runSimulationInProcess(simulationId: string): Promise<SimulationState | undefined> {
  try {
    const { days, shards } = await planSimulation(simulationId);
    // A step that finds the database busy runs again, as the state machine retries it on AWS (it is idempotent).
    await mapWithConcurrency(days, STEP_CONCURRENCY, (day) =>
      retryWhenBusy(() => collectDay(simulationId, day), CHUNK_RETRY),
    );
    await mapWithConcurrency(shards, STEP_CONCURRENCY, (shard) =>
      retryWhenBusy(() => replayShard(simulationId, shard), CHUNK_RETRY),
    );
    return await completeSimulation(simulationId);
  } catch (error) {
    await completeSimulation(simulationId, true);
    throw error;
  }
}

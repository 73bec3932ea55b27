/**
 * Program simulations (issue #28): how fast the replay folds purchases, what a run reads, and
 * from both the time and read cost of simulating a program of 1M members with 5M purchases a
 * month over 90 days on AWS. The method is written down in test/README.md.
 * - `replay`: the pure fold (shared/domain/simulation.ts) over generated members, in this process:
 *   orders folded per second, each under the program in force AND the draft;
 * - `local`: a whole run on DynamoDB Local through the recorder (imported history written with the
 *   store's own item mappers, then the same steps the state machine runs): reads, writes, queries;
 * - `aws`: the estimate for the mid-size program from both (see `estimate`).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { defaultProgram } from '@infra/config/default-program';
import { AWS_SIMULATION_CONCURRENCY, AWS_SIMULATION_SHARDS } from '@infra/constructs/program-simulation';
import { MEMBER_CONCURRENCY, runSimulationInProcess } from '@shared/app/jobs/simulation-worker';
import { newMember } from '@shared/domain/member';
import { newOrder, type OrderState } from '@shared/domain/order';
import { ProgramHistory, replayMemberHistory } from '@shared/domain/simulation';
import type { ProgramRules } from '@shared/schemas/program';
import { store } from '@shared/store/client';
import { memberToItem } from '@shared/store/items/member';
import { orderToItem } from '@shared/store/items/order';
import { simulationKey } from '@shared/store/items/simulation';
import { ACTIVITY_SHARDS } from '@shared/store/keys';
import { PRICES } from './cost';
import type { DynamoRecorder } from './dynamo-recorder';
import { batchWrite } from './metrics-scale';

const DAY_MS = 86_400_000;
const PERIOD_DAYS = 90;
/** Orders per member: 15 in the 90 days (5M a month among 1M members), 45 in the 9 months before. */
const IN_PERIOD = 15;
const BEFORE = 45;

const program: ProgramRules = defaultProgram;
/** The draft: double points on coffee, Silver from 300 EUR instead of 500. */
const draft: ProgramRules = {
  ...defaultProgram,
  tiers: defaultProgram.tiers.map((tier) =>
    tier.id === 'silver' ? { ...tier, minQualifyingSpend: { value: 30_000, currency: 'EUR' } } : tier,
  ),
  rules: [
    {
      id: 'coffee',
      name: 'Double points on coffee',
      lines: { categories: ['coffee'] },
      effect: { type: 'multiplier', factor: 2 },
    },
  ],
};

/** A member's orders: three lines each (one of coffee), spread over the year before `to`. */
function ordersOf(memberId: string, member: number, to: number): OrderState[] {
  const total = IN_PERIOD + BEFORE;
  return Array.from({ length: total }, (_, i) => {
    const inPeriod = i >= BEFORE;
    const span = inPeriod ? PERIOD_DAYS * DAY_MS : 270 * DAY_MS;
    const start = inPeriod ? to - PERIOD_DAYS * DAY_MS : to - 360 * DAY_MS;
    const index = inPeriod ? i - BEFORE : i;
    const at = start + Math.floor(((index + (member % 7) / 7) * span) / (inPeriod ? IN_PERIOD : BEFORE)) + 3_600_000;
    const occurredAt = new Date(at).toISOString();
    const coffee = 300 + ((member + i) % 5) * 100;
    const other = 1_000 + ((member * 31 + i * 17) % 40) * 250;
    const order = newOrder(
      memberId,
      `o-${i}`,
      { value: coffee + other + 500, currency: 'EUR' },
      occurredAt,
      new Date(at),
    );
    return {
      ...order,
      points: { earned: 0, reversed: 0 },
      basket: {
        programVersion: 1,
        lines: [
          { lineId: '1', sku: 'latte', categories: ['coffee'], quantity: 1, amount: coffee },
          { lineId: '2', sku: 'sandwich', categories: ['food'], quantity: 1, amount: other },
          { lineId: '3', sku: 'water', categories: ['drinks'], quantity: 1, amount: 500 },
        ].map((line) => ({ ...line, refundedQuantity: 0, refundedAmount: 0 })),
        share: { num: 1, den: 1 },
        basis: { tier: 'member', firstPurchase: i === 0 },
        eligible: order.amount,
        held: {},
        rules: {},
      },
    };
  });
}

export interface SimulationFigures {
  replay: { members: number; ordersFolded: number; ms: number; ordersPerSecond: number };
  local: {
    members: number;
    purchases: number;
    wallSeconds: number;
    queries: number;
    rru: number;
    wru: number;
    orderBytes: number;
    rruPerMember: number;
  };
  aws: ReturnType<typeof estimate>;
}

/** The pure fold, timed: every order of every member under both programs. */
function measureReplay(members: number) {
  const to = Date.parse('2026-12-01T00:00:00.000Z');
  const period = { from: new Date(to - PERIOD_DAYS * DAY_MS).toISOString(), to: new Date(to).toISOString() };
  const history = new ProgramHistory([{ ...program, version: 1, updatedAt: '1970-01-01T00:00:00.000Z' }]);
  const inputs = Array.from({ length: members }, (_, m) => ({ memberId: `m-${m}`, orders: ordersOf(`m-${m}`, m, to) }));
  // Warm the engine (JIT) on a few members first.
  for (const input of inputs.slice(0, 50)) replayMemberHistory({ ...input, history, draft, period });
  const t0 = performance.now();
  let purchases = 0;
  for (const input of inputs) purchases += replayMemberHistory({ ...input, history, draft, period }).purchases;
  const ms = performance.now() - t0;
  if (purchases !== members * IN_PERIOD) throw new Error(`replay counted ${purchases} purchases`);
  const ordersFolded = members * (IN_PERIOD + BEFORE);
  return { members, ordersFolded, ms: Math.round(ms), ordersPerSecond: Math.round((ordersFolded / ms) * 1000) };
}

/** A whole run on DynamoDB Local, its requests counted by the recorder. */
async function measureLocalRun(recorder: DynamoRecorder, members: number) {
  const now = Date.now();
  const to = now - DAY_MS;
  const ids = Array.from(
    { length: members },
    (_, m) => `sim-${String(m).padStart(5, '0')}-${randomUUID().slice(0, 6)}`,
  );
  recorder.accounting = false;
  await batchWrite(
    ids.map((memberId) =>
      memberToItem({
        ...newMember({
          memberId,
          referralCode: memberId.slice(-6).toUpperCase(),
          createdAt: new Date(now - 400 * DAY_MS).toISOString(),
          profile: { birthday: '1990-04-17' },
          consent: { marketing: false, analytics: true },
        }),
        version: 1,
      }),
    ),
  );
  // Imported history: each order recorded (GSI1) when it occurred, as a live earn's entry is.
  await batchWrite(
    ids.flatMap((memberId, m) => ordersOf(memberId, m, to).map((order) => orderToItem({ ...order, imported: true }))),
  );
  const simulationId = `sim_bench${randomUUID().slice(0, 8)}`;
  const createdAt = new Date().toISOString();
  const from = new Date(to - PERIOD_DAYS * DAY_MS).toISOString();
  await store().client.send(
    new PutCommand({
      TableName: store().tableName,
      Item: {
        ...simulationKey(simulationId),
        entity: 'simulation',
        simulationId,
        status: 'running',
        from,
        to: new Date(to).toISOString(),
        program: draft,
        createdBy: 'bench',
        createdAt,
        shards: 16,
        days: Math.ceil((Date.parse(createdAt) - Date.parse(from)) / DAY_MS) + 1,
        processed: 0,
      },
    }),
  );
  recorder.accounting = true;
  const { result, calls, wallMs } = await recorder.during(() => runSimulationInProcess(simulationId));
  if (result?.result?.purchases !== members * IN_PERIOD)
    throw new Error(`the run replayed ${JSON.stringify(result?.result?.purchases)} purchases`);
  const orderQueries = calls.filter(
    (call) => call.operation === 'Query' && JSON.stringify(call.requestBody).includes('ORDER#'),
  );
  const orderItems = orderQueries.reduce((sum, call) => sum + call.itemsRead, 0);
  const orderBytes = orderQueries.reduce((sum, call) => sum + call.bytesRead, 0);
  const rru = calls.reduce((sum, call) => sum + call.rru, 0);
  return {
    members,
    purchases: members * IN_PERIOD,
    wallSeconds: Number((wallMs / 1000).toFixed(1)),
    queries: calls.filter((call) => call.operation === 'Query').length,
    rru: Number(rru.toFixed(1)),
    wru: Number(calls.reduce((sum, call) => sum + call.wru, 0).toFixed(1)),
    orderBytes: Math.round(orderBytes / Math.max(1, orderItems)),
    rruPerMember: Number((rru / members).toFixed(2)),
  };
}

/**
 * The mid-size program on AWS: 1M members, 5M purchases a month, a 90-day period simulated the day
 * it ends, each member with a year of orders (60), workers at the state machine's concurrency.
 * Measured here: the fold's speed (per core), the bytes of an order item. Assumed (AWS, in region):
 * a Query of ≤ 1 page 10 ms; a 1 MB page 40 ms; a BatchWrite 30 ms; 1 s per Distributed Map wave
 * to start its child executions; an activity item (a ledger entry) of 600 B, 1.2 per purchase
 * (redemptions and refunds recorded beside them).
 */
function estimate(ordersPerSecond: number, orderBytes: number) {
  const members = 1_000_000;
  const purchases = 5_000_000 * 3;
  const shards = AWS_SIMULATION_SHARDS;
  const concurrency = AWS_SIMULATION_CONCURRENCY;
  const days = PERIOD_DAYS + 1;
  const activityBytesPerDay = ((purchases * 1.2) / PERIOD_DAYS) * 600;
  // A day step: its 8 buckets read at once, page by page; then its member lists (≤ 5,000 ids an item) written.
  const daySeconds = (activityBytesPerDay / ACTIVITY_SHARDS / 1_048_576) * 0.04 + (shards / 25) * 0.03;
  // A shard step: its members' orders (one Query each, MEMBER_CONCURRENCY at once), birthdays by 100, the fold.
  const membersPerShard = members / shards;
  const orders = IN_PERIOD + BEFORE;
  const queryPages = Math.ceil((orders * orderBytes) / 1_048_576);
  const shardSeconds =
    (membersPerShard / MEMBER_CONCURRENCY) * 0.01 * queryPages +
    (membersPerShard / 100) * 0.01 +
    (membersPerShard * orders) / ordersPerSecond;
  const waves = (steps: number) => Math.ceil(steps / concurrency);
  const seconds = 2 + waves(days) * (1 + daySeconds) + waves(shards) * (1 + shardSeconds) + 2;
  // Reads, eventually consistent: half a unit per 4 KB of what each request returns (at least half a unit).
  const activityRru = (purchases * 1.2 * 600) / 4096 / 2 + days * ACTIVITY_SHARDS * 0.5;
  const orderRru = members * Math.max(0.5, Math.ceil((orders * orderBytes) / 4096) / 2);
  const memberRru = members * 0.5;
  const memberListRru = (members * IN_PERIOD * 40) / 4096 / 2;
  const rru = activityRru + orderRru + memberRru + memberListRru;
  // Writes: the member lists (a member's id, ~40 B, once per day it bought: at most its 15 purchases).
  const wru = (members * IN_PERIOD * 40) / 1024;
  return {
    members,
    purchases,
    ordersPerMember: orders,
    shards,
    concurrency,
    daySeconds: Number(daySeconds.toFixed(1)),
    shardSeconds: Number(shardSeconds.toFixed(1)),
    minutes: Number((seconds / 60).toFixed(1)),
    readUnitsMillions: Number((rru / 1e6).toFixed(2)),
    readUsd: Number(((rru * PRICES.dynamoRruPerMillion) / 1e6).toFixed(2)),
    writeUsd: Number(((wru * PRICES.dynamoWruPerMillion) / 1e6).toFixed(2)),
    targets: { minutes: 15, readUsd: 2 },
  };
}

export async function measureSimulation(
  recorder: DynamoRecorder,
  options: { replayMembers: number; localMembers: number },
): Promise<SimulationFigures> {
  const replay = measureReplay(options.replayMembers);
  const local = await measureLocalRun(recorder, options.localMembers);
  return { replay, local, aws: estimate(replay.ordersPerSecond, local.orderBytes) };
}

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { DomainError } from '@shared/domain/errors';
import type { LedgerEntryType } from '@shared/domain/ledger';
import {
  advanceTotals,
  computeMeasures,
  defaultWindow,
  emptyTotals,
  measuresAsMetrics,
  noContribution,
  previousWindow,
  purchaserContribution,
  sameContribution,
  type LedgerFact,
  type MemberOrderFact,
  type PurchaserContribution,
  type RunningTotals,
  type TimeWindow,
} from '@shared/domain/metrics';
import { newSnapshotId } from '@shared/ids';
import { metrics } from '@shared/observability';
import type { Snapshot as SnapshotSchema } from '@shared/schemas/admin';
import type { Program } from '@shared/schemas/program';
import { readActivity } from './activity';
import { store } from './client';
import { commit, type ConditionalWrite, type TransactItem } from './commit';
import { StaleMemberError } from './errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { IdempotencyContext } from './idempotency';
import { keys } from './keys';
import { runCommand, type CommandResult } from './members';
import { currentProgram } from './program';
import { withWriteRetries } from './retry';
import { itemToNpsAnswer } from './surveys';
import { itemToPurchase } from './purchases';

/**
 * The metrics job. Running all-time totals live in one item with a watermark: each run
 * reads only the ledger entries and enrolments RECORDED since the watermark (GSI1, by
 * recorded day) and advances totals and watermark in one transaction, so a crash loses
 * nothing and a re-run counts nothing twice. Window measures read the window's facts by
 * when they HAPPENED (GSI1, by occurredAt day), so a till that reports 90 days late is
 * still counted in its window. Reads grow with activity, never with history.
 */
type Item = Record<string, unknown>;
type Snapshot = z.infer<typeof SnapshotSchema>;

/**
 * A write takes its `now` before it commits and the index follows the table shortly after,
 * so the watermark stays this far behind the clock; the most recent minutes are counted
 * on the fly in each snapshot without being persisted.
 */
export const SETTLE_LAG_MS = 5 * 60_000;
/** Where the first run starts when no totals exist yet: no fact can predate the deployment (METRICS_EPOCH). */
const DEFAULT_EPOCH = '2025-01-01T00:00:00.000Z';
/** Days read before a step of the totals is committed, and items that end a step early (bounds a catch-up's memory). */
const STEP_DAYS = 7;
const ITEMS_PER_STEP = 5_000;
/** A transaction holds at most 100 items: the totals item and member contributions. */
const CONTRIBUTIONS_PER_TRANSACTION = 99;
const BATCH_GET_KEYS = 100;

const PURCHASE_ENTRY_TYPES: ReadonlySet<LedgerEntryType> = new Set(['earn', 'cashback', 'refund']);

interface StoredTotals {
  /** Everything recorded before this time is in `totals`. */
  watermark: string;
  version: number;
  totals: RunningTotals;
}

function epoch(): string {
  const configured = process.env.METRICS_EPOCH;
  return configured ? new Date(configured).toISOString() : DEFAULT_EPOCH;
}

async function readTotals(): Promise<StoredTotals> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.metricsTotals(), ConsistentRead: true }),
  );
  if (!Item) return { watermark: epoch(), version: 0, totals: emptyTotals };
  return {
    watermark: String(Item.watermark),
    version: Number(Item.version),
    totals: { ...emptyTotals, ...(Item.totals as Partial<RunningTotals>) },
  };
}

/** Conditioned on the version read: two runs at once cannot both advance from the same state. */
function totalsWrite(next: StoredTotals, expectedVersion: number): ConditionalWrite {
  const { tableName } = store();
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.metricsTotals(),
          entity: 'metrics-totals',
          watermark: next.watermark,
          version: next.version,
          totals: next.totals,
        },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      },
    },
    // Another run advanced the totals: start again from what it stored.
    onConditionFailed: () => new StaleMemberError(),
  };
}

function contributionWrite(memberId: string, contribution: PurchaserContribution): ConditionalWrite {
  const { tableName } = store();
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.memberMetrics(memberId), entity: 'member-metrics', memberId, ...contribution },
      },
    },
  };
}

async function batchGet(
  keyList: { PK: string; SK: string }[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Item[]> {
  const { client, tableName } = store();
  const found: Item[] = [];
  for (let start = 0; start < keyList.length; start += BATCH_GET_KEYS) {
    let request:
      | Record<
          string,
          { Keys: Item[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }
        >
      | undefined = {
      [tableName]: {
        Keys: keyList.slice(start, start + BATCH_GET_KEYS),
        ...(projection
          ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
          : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      const page = await client.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(page.Responses?.[tableName] ?? []));
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

interface PurchaseFacts {
  count: number;
  firstAt?: string;
  lastAt?: string;
}

/** The purchase facts the member items hold now (count, first and last purchase). */
async function readPurchaseFacts(memberIds: string[]): Promise<Map<string, PurchaseFacts>> {
  const items = await batchGet(
    memberIds.map((memberId) => keys.member(memberId)),
    {
      expression: '#member, #purchases.#count, #purchases.#first, #purchases.#last',
      names: {
        '#member': 'memberId',
        '#purchases': 'purchases',
        '#count': 'count',
        '#first': 'firstAt',
        '#last': 'lastAt',
      },
    },
  );
  return new Map(
    items.map((item) => [
      String(item.memberId),
      { count: 0, ...(item.purchases as Partial<PurchaseFacts> | undefined) },
    ]),
  );
}

interface ContributionChange {
  memberId: string;
  before: PurchaserContribution | undefined;
  after: PurchaserContribution;
}

/** For each member whose purchases changed: what the totals counted for them, and what they should count now. */
async function contributionChanges(memberIds: string[]): Promise<ContributionChange[]> {
  if (memberIds.length === 0) return [];
  const [facts, counted] = await Promise.all([
    readPurchaseFacts(memberIds),
    batchGet(memberIds.map((memberId) => keys.memberMetrics(memberId))),
  ]);
  const before = new Map(
    counted.map((item) => [
      String(item.memberId),
      {
        purchaser: item.purchaser,
        repeat: item.repeat,
        lifespanSeconds: Number(item.lifespanSeconds),
      } as PurchaserContribution,
    ]),
  );
  return memberIds.flatMap((memberId) => {
    const after = purchaserContribution(facts.get(memberId) ?? { count: 0 });
    const was = before.get(memberId);
    return sameContribution(was ?? noContribution, after) ? [] : [{ memberId, before: was, after }];
  });
}

interface RecordedFacts {
  enrolments: number;
  entries: LedgerFact[];
  /** Members whose purchase facts may have changed (a purchase or a refund was recorded). */
  purchasers: string[];
}

function recordedFacts(items: Item[]): RecordedFacts {
  const entries: LedgerFact[] = [];
  const purchasers = new Set<string>();
  let enrolments = 0;
  for (const item of items) {
    // One referral-code claim is written with each enrolment (and only then).
    if (item.entity === 'referral-code') enrolments += 1;
    if (item.entity !== 'ledger') continue;
    const type = item.type as LedgerEntryType;
    const cashback = item.cashback as { value?: number } | undefined;
    entries.push({
      type,
      points: Number(item.points ?? 0),
      ...(cashback?.value !== undefined ? { cashback: Number(cashback.value) } : {}),
    });
    if (PURCHASE_ENTRY_TYPES.has(type)) purchasers.add(String(item.memberId));
  }
  return { enrolments, entries, purchasers: [...purchasers].sort() };
}

/** Commits one step: contributions in chunks (each with its share of the totals), the last chunk with the watermark. */
async function commitStep(stored: StoredTotals, items: Item[], watermark: string): Promise<StoredTotals> {
  const recorded = recordedFacts(items);
  const changes = await contributionChanges(recorded.purchasers);
  const chunks: ContributionChange[][] = [];
  for (let start = 0; start < changes.length; start += CONTRIBUTIONS_PER_TRANSACTION)
    chunks.push(changes.slice(start, start + CONTRIBUTIONS_PER_TRANSACTION));
  let current = stored;
  // Earlier chunks only replace contributions: re-applying one after a crash changes nothing.
  for (const [index, chunk] of chunks.entries()) {
    const last = index === chunks.length - 1;
    const next: StoredTotals = {
      watermark: last ? watermark : current.watermark,
      version: current.version + 1,
      totals: advanceTotals(
        current.totals,
        last
          ? { enrolments: recorded.enrolments, entries: recorded.entries, contributionChanges: chunk }
          : { contributionChanges: chunk },
      ),
    };
    await commit(
      {
        members: [],
        writes: [
          totalsWrite(next, current.version),
          ...chunk.map((change) => contributionWrite(change.memberId, change.after)),
        ],
        response: { status: 200 },
      },
      undefined,
      new Date(),
    );
    current = next;
  }
  if (chunks.length > 0) return current;
  const next: StoredTotals = {
    watermark,
    version: current.version + 1,
    totals: advanceTotals(current.totals, { enrolments: recorded.enrolments, entries: recorded.entries }),
  };
  await commit(
    { members: [], writes: [totalsWrite(next, current.version)], response: { status: 200 } },
    undefined,
    new Date(),
  );
  return next;
}

/** Advances the stored totals to `until`, a step at a time; a lost race with another run starts again from its state. */
async function advanceStoredTotals(until: string): Promise<StoredTotals> {
  return withWriteRetries(async () => {
    let stored = await readTotals();
    let cursor = stored.watermark;
    let pending: Item[] = [];
    while (cursor < until) {
      const stepEnd = new Date(
        Math.min(Date.parse(until), Date.parse(cursor.slice(0, 10)) + STEP_DAYS * 86_400_000),
      ).toISOString();
      pending.push(...(await readActivity('recorded', cursor, stepEnd)));
      cursor = stepEnd;
      if (pending.length >= ITEMS_PER_STEP || cursor >= until) {
        stored = await commitStep(stored, pending, cursor);
        pending = [];
      }
    }
    return stored;
  });
}

/** The all-time totals at `now`: stored up to the settled watermark, the last minutes counted on the fly. */
async function totalsAt(now: Date): Promise<RunningTotals> {
  const settled = new Date(now.getTime() - SETTLE_LAG_MS).toISOString();
  const stored = await advanceStoredTotals(settled);
  const recent = recordedFacts(await readActivity('recorded', stored.watermark, now.toISOString()));
  const changes = await contributionChanges(recent.purchasers);
  return advanceTotals(stored.totals, {
    enrolments: recent.enrolments,
    entries: recent.entries,
    contributionChanges: changes,
  });
}

/** The facts of the window and the one before it, read by when they happened. */
async function windowFacts(window: TimeWindow) {
  const items = await readActivity('occurred', previousWindow(window).from, window.to);
  const memberOrders: MemberOrderFact[] = items
    .filter((item) => item.entity === 'order')
    .map((item) => ({
      memberId: String(item.memberId),
      orderId: String(item.orderId),
      occurredAt: String(item.occurredAt),
      amount: Number(item.amount),
      refunded: Number(item.refunded ?? 0),
    }));
  const nonMemberPurchases = items.filter((item) => item.entity === 'purchase').map(itemToPurchase);
  // Only what the score needs: a comment never leaves the answer item.
  const npsAnswers = items
    .filter((item) => item.entity === 'nps')
    .map((item) => {
      const { comment: _comment, ...answer } = itemToNpsAnswer(item);
      return answer;
    });
  const activeMembers = [
    ...new Set(memberOrders.filter((order) => order.occurredAt >= window.from).map((order) => order.memberId)),
  ].sort();
  const facts = await readPurchaseFacts(activeMembers);
  const firstPurchaseAt = new Map(activeMembers.map((memberId) => [memberId, facts.get(memberId)?.firstAt]));
  return { memberOrders, nonMemberPurchases, npsAnswers, firstPurchaseAt };
}

/** Computes a snapshot at `now` (aggregates only: no member id, no personal data). */
export async function computeSnapshot(
  now: Date,
  window: TimeWindow,
  program: Pick<Program, 'currency' | 'expectedLifespanYears'>,
): Promise<Snapshot> {
  const [totals, facts] = await Promise.all([totalsAt(now), windowFacts(window)]);
  const measures = computeMeasures({
    window,
    currency: program.currency,
    expectedLifespanYears: program.expectedLifespanYears,
    totals,
    ...facts,
  });
  return { snapshotId: newSnapshotId(), computedAt: now.toISOString(), ...measures };
}

function snapshotPut(snapshot: Snapshot): TransactItem {
  return {
    Put: {
      TableName: store().tableName,
      Item: { ...keys.snapshot(snapshot.computedAt, snapshot.snapshotId), entity: 'snapshot', snapshot },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

function publishMetrics(snapshot: Snapshot): void {
  for (const metric of measuresAsMetrics(snapshot))
    metrics.addMetric(metric.name, metric.unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit, metric.value);
  metrics.publishStoredMetrics();
}

/**
 * Computes and stores a snapshot (the schedule and `POST /v1/admin/metrics/snapshots`),
 * then publishes each measure as a CloudWatch metric (EMF). The window defaults to the
 * 30 days before now.
 */
export async function takeSnapshot(
  request: { window?: TimeWindow | undefined },
  caller: { idempotency: IdempotencyContext | undefined; now: () => Date },
): Promise<CommandResult> {
  const program = await currentProgram();
  const result = await runCommand(caller.idempotency, caller.now, async (now) => {
    const window = request.window
      ? { from: new Date(request.window.from).toISOString(), to: new Date(request.window.to).toISOString() }
      : defaultWindow(now);
    const snapshot = await computeSnapshot(now, window, program);
    return { members: [], writes: [{ item: snapshotPut(snapshot) }], response: { status: 201, body: snapshot } };
  });
  if (!result.replayed) publishMetrics(result.body as Snapshot);
  return result;
}

const snapshotBound = (time: string | undefined, fallback: string) =>
  keys.snapshotPrefix + (time ? new Date(time).toISOString() : fallback);

/** Snapshots newest first, optionally those computed in [from, to]. */
export async function listSnapshots(query: {
  limit: number;
  cursor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): Promise<{ items: Snapshot[]; nextCursor?: string }> {
  const { client, tableName } = store();
  const startSk = query.cursor ? decodeCursor(query.cursor, 'snapshots') : undefined;
  const { Items = [], LastEvaluatedKey } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      // '~' sorts after every character of a time and after '#': `to` itself is included.
      ExpressionAttributeValues: {
        ':pk': keys.snapshotsPartition,
        ':from': snapshotBound(query.from, ''),
        ':to': `${snapshotBound(query.to, '')}~`,
      },
      ScanIndexForward: false,
      Limit: query.limit,
      ...(startSk ? { ExclusiveStartKey: { PK: keys.snapshotsPartition, SK: startSk } } : {}),
    }),
  );
  const items = Items.map((item) => item.snapshot as Snapshot);
  return LastEvaluatedKey ? { items, nextCursor: encodeCursor('snapshots', String(LastEvaluatedKey.SK)) } : { items };
}

export async function latestSnapshot(): Promise<Snapshot> {
  const { client, tableName } = store();
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.snapshotsPartition, ':prefix': keys.snapshotPrefix },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const latest = Items[0];
  if (!latest) throw new DomainError('snapshot-not-found', 'No snapshot was computed yet.');
  return latest.snapshot as Snapshot;
}

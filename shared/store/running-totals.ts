import {
  advanceTotals,
  changesPurchaseFacts,
  noContribution,
  purchaserContribution,
  sameContribution,
  type LedgerFact,
  type PurchaserContribution,
  type RunningTotals,
} from '@shared/domain/metrics';
import type { LedgerEntryType } from '@shared/domain/ledger';
import { DAY_MS } from '@shared/domain/time';
import { readActivity } from './activity';
import { batchGet } from './batch-get';
import { commit } from './commit';
import type { Item } from './item';
import { memberKey } from './items/member';
import { itemToMemberMetrics, memberMetricsKey, memberMetricsPut } from './items/member-metrics';
import { metricsTotalsPut, readMetricsTotals, type StoredTotals } from './items/metrics-totals';
import { withWriteRetries } from './retry';

/**
 * Running all-time totals live in one item with a watermark: each run reads only the ledger
 * entries and enrolments RECORDED since the watermark (GSI1, by recorded day) and advances
 * totals and watermark in one transaction, so a crash loses nothing and a re-run counts
 * nothing twice. Reads grow with activity, never with history.
 */

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

function epoch(): string {
  const configured = process.env.METRICS_EPOCH;
  return configured ? new Date(configured).toISOString() : DEFAULT_EPOCH;
}

export interface PurchaseFacts {
  count: number;
  firstAt?: string;
  lastAt?: string;
}

/** The purchase facts the member items hold now (count, first and last purchase). */
export async function readPurchaseFacts(memberIds: string[]): Promise<Map<string, PurchaseFacts>> {
  const items = await batchGet(
    memberIds.map((memberId) => memberKey(memberId)),
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
    batchGet(memberIds.map((memberId) => memberMetricsKey(memberId))),
  ]);
  const before = new Map(
    counted.map(itemToMemberMetrics).map(({ memberId, contribution }) => [memberId, contribution]),
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
    if (changesPurchaseFacts(type)) purchasers.add(String(item.memberId));
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
          // Another run advanced the totals: the conflict starts this run again from what it stored.
          { item: metricsTotalsPut(next, current.version) },
          ...chunk.map((change) => ({ item: memberMetricsPut(change.memberId, change.after) })),
        ],
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
  await commit({ members: [], writes: [{ item: metricsTotalsPut(next, current.version) }] }, undefined, new Date());
  return next;
}

/** Advances the stored totals to `until`, a step at a time; a lost race with another run starts again from its state. */
async function advanceStoredTotals(until: string): Promise<StoredTotals> {
  return withWriteRetries(async () => {
    let stored = await readMetricsTotals(epoch());
    let cursor = stored.watermark;
    let pending: Item[] = [];
    while (cursor < until) {
      const stepEnd = new Date(
        Math.min(Date.parse(until), Date.parse(cursor.slice(0, 10)) + STEP_DAYS * DAY_MS),
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
export async function totalsAt(now: Date): Promise<RunningTotals> {
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

import {
  advanceTotals,
  changesPurchaseFacts,
  noContribution,
  purchaserContribution,
  sameContribution,
  type LedgerFact,
  type PurchaserContribution,
  type RunningTotals,
  type WindowFact,
} from '@shared/domain/metrics';
import { DAY_MS } from '@shared/domain/time';
import { readRecorded, type RecordedActivity } from '@shared/store/recorded-activity';
import { commit } from '@shared/store/commit';
import { readPurchaseFacts, type PurchaseFacts } from '@shared/store/items/member';
import { memberMetricsPut, readCountedContributions } from '@shared/store/items/member-metrics';
import { digestPuts } from '@shared/store/items/metrics-digest';
import { readOrderFacts } from '@shared/store/items/order';
import { metricsTotalsPut, readMetricsTotals, type StoredTotals } from '@shared/store/items/metrics-totals';
import { withWriteRetries } from '@shared/store/retry';

/**
 * Running all-time totals live in one item with a watermark: each run reads only what was
 * RECORDED since the watermark (GSI1, by recorded day: ledger entries, enrolments, orders,
 * non-members' purchases, NPS answers) and advances totals and watermark in one transaction,
 * so a crash loses nothing and a re-run counts nothing twice. The same transaction stores the
 * step's window facts as a digest (shared/store/items/metrics-digest.ts), which is all a
 * window's measures read later. Reads grow with activity, never with history. This is the job's
 * orchestration; what it reads and writes, each item's module decodes and encodes.
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
const ITEMS_PER_STEP = 5_000;
/**
 * How far one read reaches: it starts at an hour and doubles while reads come back small (up
 * to a week, so a quiet history is caught up in few steps), halves when one comes back large,
 * so a catch-up over a busy program's history never holds more than a few steps' items.
 */
const MIN_READ_MS = 60 * 60_000;
const MAX_READ_MS = 7 * DAY_MS;
/** A transaction holds at most 100 items: the totals item, member contributions and (last) the step's digest. */
const ITEMS_PER_TRANSACTION = 100;

function epoch(): string {
  const configured = process.env.METRICS_EPOCH;
  return configured ? new Date(configured).toISOString() : DEFAULT_EPOCH;
}

interface ContributionChange {
  memberId: string;
  before: PurchaserContribution | undefined;
  after: PurchaserContribution;
}

/** For each member whose purchases changed: what the totals counted for them, and what they should count now. */
async function contributionChanges(
  memberIds: string[],
  facts: Map<string, PurchaseFacts>,
): Promise<ContributionChange[]> {
  const before = await readCountedContributions(memberIds);
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
  /** Imported orders (on the recorded feed themselves): members' first purchases still to be filled in. */
  orders: { memberId: string; occurredAt: string; amount: number }[];
  /** Earn and cashback entries: the one that created its order makes the order a window fact. */
  credits: { memberId: string; orderId: string; createdAt: string }[];
  refunds: { memberId: string; orderId: string; amount: number }[];
  others: WindowFact[];
}

function recordedFacts(activity: RecordedActivity[]): RecordedFacts {
  const entries: LedgerFact[] = [];
  const purchasers = new Set<string>();
  const orders: RecordedFacts['orders'] = [];
  const credits: RecordedFacts['credits'] = [];
  const refunds = new Map<string, RecordedFacts['refunds'][number]>();
  const others: WindowFact[] = [];
  let enrolments = 0;
  for (const fact of activity) {
    switch (fact.kind) {
      case 'enrolment':
        enrolments += 1;
        break;
      case 'imported-order': {
        const { memberId, occurredAt, amount } = fact.order;
        orders.push({ memberId, occurredAt, amount });
        purchasers.add(memberId);
        break;
      }
      case 'purchase':
        others.push({
          kind: 'purchase',
          occurredAt: Date.parse(fact.purchase.occurredAt),
          amount: fact.purchase.amount,
        });
        break;
      case 'nps': {
        const { memberId, answeredAt, answerId, score } = fact.answer;
        others.push({ kind: 'nps', memberId, answeredAt: Date.parse(answeredAt), answerId, score });
        break;
      }
      case 'ledger': {
        const { entry } = fact;
        entries.push({
          type: entry.type,
          points: Number(entry.points ?? 0),
          ...(entry.cashback?.value !== undefined ? { cashback: Number(entry.cashback.value) } : {}),
        });
        if (changesPurchaseFacts(entry.type)) purchasers.add(entry.memberId);
        if ((entry.type === 'earn' || entry.type === 'cashback') && typeof entry.orderId === 'string')
          credits.push({ memberId: entry.memberId, orderId: entry.orderId, createdAt: entry.createdAt });
        // A refund posts one entry per balance it reverses, all with its amount and the member version that wrote them.
        if (entry.type === 'refund') {
          refunds.set(`${entry.memberId}#${entry.sequence}`, {
            memberId: entry.memberId,
            orderId: String(entry.orderId),
            amount: Number(entry.amount?.value ?? 0),
          });
        }
        break;
      }
    }
  }
  return {
    enrolments,
    entries,
    purchasers: [...purchasers].sort(),
    orders,
    credits,
    refunds: [...refunds.values()],
    others,
  };
}

/**
 * The window facts of what was recorded: orders at their own time, refunds at their order's
 * time, each with the member's first purchase as the member item holds it now (new and
 * returning members are told apart by it). A live order is read through the earn or cashback
 * entry that created it — the order and that entry are written by one transaction at one
 * `now`, so `recordedAt` equals the entry's `createdAt` — which spares every order an index
 * write; a second credit of the order (cashback after an earn) finds an older `recordedAt`.
 */
async function windowFactsOf(recorded: RecordedFacts, purchases: Map<string, PurchaseFacts>): Promise<WindowFact[]> {
  const firstAt = (memberId: string) => {
    const first = purchases.get(memberId)?.firstAt;
    return first === undefined ? undefined : Date.parse(first);
  };
  /** A member's order, as one map key. */
  const orderRef = (memberId: string, orderId: string) => `${memberId}#${orderId}`;
  const wanted = new Map(
    [...recorded.credits, ...recorded.refunds].map((fact) => [orderRef(fact.memberId, fact.orderId), fact]),
  );
  const stored = await readOrderFacts([...wanted.values()]);
  const orders = new Map(stored.map((order) => [orderRef(order.memberId, order.orderId), order]));
  const orderOf = (fact: { memberId: string; orderId: string }) => {
    const order = orders.get(orderRef(fact.memberId, fact.orderId));
    if (!order) throw new Error(`order ${fact.orderId} of member ${fact.memberId} not found`);
    return order;
  };
  const created = [
    ...recorded.orders,
    ...recorded.credits.flatMap((credit) => {
      const order = orderOf(credit);
      return order.recordedAt === credit.createdAt ? [order] : [];
    }),
  ];
  const facts: WindowFact[] = [];
  for (const order of created) {
    const first = firstAt(order.memberId);
    facts.push({
      kind: 'order',
      memberId: order.memberId,
      occurredAt: Date.parse(order.occurredAt),
      amount: order.amount,
      orders: 1,
      firstAt: first,
    });
    // Reported late, it is now the member's first purchase: their facts stored earlier say otherwise.
    if (first === Date.parse(order.occurredAt) && (purchases.get(order.memberId)?.count ?? 0) > 1)
      facts.push({ kind: 'first', memberId: order.memberId, firstAt: first });
  }
  for (const refund of recorded.refunds) {
    facts.push({
      kind: 'order',
      memberId: refund.memberId,
      occurredAt: Date.parse(orderOf(refund).occurredAt),
      amount: -refund.amount,
      orders: 0,
      firstAt: firstAt(refund.memberId),
    });
  }
  return [...facts, ...recorded.others];
}

/** What a range of recorded activity adds: totals' inputs and window facts. */
async function digest(activity: RecordedActivity[]) {
  const recorded = recordedFacts(activity);
  const purchases = await readPurchaseFacts(recorded.purchasers);
  const [changes, facts] = await Promise.all([
    contributionChanges(recorded.purchasers, purchases),
    windowFactsOf(recorded, purchases),
  ]);
  return { recorded, changes, facts };
}

/**
 * Commits one step: contributions in chunks (each with its share of the totals), the last
 * chunk with the watermark and the step's digest.
 */
async function commitStep(
  stored: StoredTotals,
  activity: RecordedActivity[],
  watermark: string,
): Promise<StoredTotals> {
  const { recorded, changes, facts } = await digest(activity);
  const digests = digestPuts(watermark, facts);
  const lastRoom = ITEMS_PER_TRANSACTION - 1 - digests.length;
  if (lastRoom < 0) throw new Error(`a step's digest of ${digests.length} items does not fit one transaction`);
  const chunks: ContributionChange[][] = [];
  // The last chunk takes what fits beside the digest; the earlier ones are full.
  const lastSize = Math.min(changes.length, lastRoom);
  const earlier = changes.slice(0, changes.length - lastSize);
  for (let start = 0; start < earlier.length; start += ITEMS_PER_TRANSACTION - 1)
    chunks.push(earlier.slice(start, start + ITEMS_PER_TRANSACTION - 1));
  chunks.push(changes.slice(changes.length - lastSize));
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
          ...(last ? digests.map((item) => ({ item })) : []),
        ],
      },
      undefined,
      new Date(),
    );
    current = next;
  }
  return current;
}

/**
 * Advances the stored totals to `until`, a step at a time; a lost race with another run starts
 * again from its state. Also says where the stored watermark was before this run.
 */
async function advanceStoredTotals(until: string): Promise<{ stored: StoredTotals; before: string }> {
  return withWriteRetries(async () => {
    let stored = await readMetricsTotals(epoch());
    const before = stored.watermark;
    let cursor = stored.watermark;
    let pending: RecordedActivity[] = [];
    let readMs = MIN_READ_MS;
    while (cursor < until) {
      const stepEnd = new Date(Math.min(Date.parse(until), Date.parse(cursor) + readMs)).toISOString();
      const read = await readRecorded(cursor, stepEnd);
      pending.push(...read);
      cursor = stepEnd;
      if (read.length < ITEMS_PER_STEP / 4) readMs = Math.min(MAX_READ_MS, readMs * 2);
      else if (read.length > ITEMS_PER_STEP) readMs = Math.max(MIN_READ_MS, readMs / 2);
      if (pending.length >= ITEMS_PER_STEP || cursor >= until) {
        stored = await commitStep(stored, pending, cursor);
        pending = [];
      }
    }
    return { stored, before };
  });
}

export interface TotalsNow {
  totals: RunningTotals;
  /** Up to where the digests hold the window facts. */
  watermark: string;
  /** Digests that ended after this were written by this run (read them consistently). */
  writtenAfter: string;
  /** The window facts recorded since, not stored yet. */
  recentFacts: WindowFact[];
}

/** The all-time totals at `now`: stored up to the settled watermark, the last minutes counted on the fly. */
export async function totalsAt(now: Date): Promise<TotalsNow> {
  const settled = new Date(now.getTime() - SETTLE_LAG_MS).toISOString();
  const { stored, before } = await advanceStoredTotals(settled);
  const { recorded, changes, facts } = await digest(await readRecorded(stored.watermark, now.toISOString()));
  return {
    totals: advanceTotals(stored.totals, {
      enrolments: recorded.enrolments,
      entries: recorded.entries,
      contributionChanges: changes,
    }),
    watermark: stored.watermark,
    writtenAfter: before,
    recentFacts: facts,
  };
}

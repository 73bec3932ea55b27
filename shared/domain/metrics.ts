import type { LedgerEntryType } from './ledger';
import type { Money } from './money';
import { DAY_MS } from './time';

/**
 * The loyalty measures of a snapshot, as pure functions of facts the store has read.
 *
 * Two kinds of input: running all-time totals (advanced incrementally by the metrics job
 * from what was recorded since its last run) and the facts of the window (and of the
 * window before it, for retention), read by when they happened. Money is integers in
 * minor units, rounded down once; rates are numbers in 0..1; `null` wherever the
 * denominator is zero.
 */

export { DAY_MS };
/** A year is the Julian year (365.25 days): lifespans span leap years. */
export const YEAR_MS = 365.25 * DAY_MS;
export const YEAR_SECONDS = YEAR_MS / 1000;
export const DEFAULT_WINDOW_DAYS = 30;

export interface TimeWindow {
  /** Inclusive. */
  from: string;
  /** Exclusive. */
  to: string;
}

export function defaultWindow(now: Date): TimeWindow {
  return { from: new Date(now.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString(), to: now.toISOString() };
}

/** The window of the same length just before `window` (retention compares the two). */
export function previousWindow(window: TimeWindow): TimeWindow {
  const from = Date.parse(window.from);
  const length = Date.parse(window.to) - from;
  return { from: new Date(from - length).toISOString(), to: window.from };
}

// ---------------------------------------------------------------------------------------
// Running all-time totals

export interface RunningTotals {
  /** Members ever enrolled (erased members included: their amounts still count). */
  membersTotal: number;
  /** Members with at least one purchase ever. */
  purchasers: number;
  /** Members with at least two purchases ever. */
  repeatPurchasers: number;
  /** Σ over repeat purchasers of (last purchase − first purchase), in whole seconds. */
  repeatLifespanSeconds: number;
  /** Every point ever credited (Σ of members' lifetimeEarned): reversals and expiry do not un-issue. */
  pointsIssued: number;
  /** Every point ever spent on a redemption (Σ of members' lifetimeRedeemed). */
  pointsRedeemed: number;
  /** Σ of every points movement = Σ of balances. */
  pointsOutstanding: number;
  /** Σ of every cashback movement = Σ of available + pending. */
  cashbackOutstanding: number;
}

export const emptyTotals: RunningTotals = {
  membersTotal: 0,
  purchasers: 0,
  repeatPurchasers: 0,
  repeatLifespanSeconds: 0,
  pointsIssued: 0,
  pointsRedeemed: 0,
  pointsOutstanding: 0,
  cashbackOutstanding: 0,
};

/** What one member adds to the purchaser totals, derived from the facts on the member item. */
export interface PurchaserContribution {
  purchaser: 0 | 1;
  repeat: 0 | 1;
  lifespanSeconds: number;
}

export const noContribution: PurchaserContribution = { purchaser: 0, repeat: 0, lifespanSeconds: 0 };

export function purchaserContribution(purchases: {
  count: number;
  firstAt?: string | undefined;
  lastAt?: string | undefined;
}): PurchaserContribution {
  const repeat = purchases.count >= 2 && purchases.firstAt !== undefined && purchases.lastAt !== undefined;
  return {
    purchaser: purchases.count >= 1 ? 1 : 0,
    repeat: repeat ? 1 : 0,
    lifespanSeconds: repeat
      ? Math.floor((Date.parse(purchases.lastAt ?? '') - Date.parse(purchases.firstAt ?? '')) / 1000)
      : 0,
  };
}

export function sameContribution(a: PurchaserContribution, b: PurchaserContribution): boolean {
  return a.purchaser === b.purchaser && a.repeat === b.repeat && a.lifespanSeconds === b.lifespanSeconds;
}

/** The part of a ledger entry the totals need. */
export interface LedgerFact {
  type: LedgerEntryType;
  points: number;
  cashback?: number;
}

export interface RecordedActivity {
  enrolments?: number;
  entries?: LedgerFact[];
  /** A member's contribution as last counted (undefined: never) and as it is now. */
  contributionChanges?: { before: PurchaserContribution | undefined; after: PurchaserContribution }[];
}

/**
 * Advances the totals by what was recorded: adding is all it does, so applying each
 * recorded fact exactly once (the store's watermark) gives the same totals however the
 * history is cut into runs; contributions replace what was counted for the member before.
 */
export function advanceTotals(totals: RunningTotals, activity: RecordedActivity): RunningTotals {
  const next = { ...totals };
  next.membersTotal += activity.enrolments ?? 0;
  for (const entry of activity.entries ?? []) {
    // A `return` gives back points a redemption took (a code cancelled or expired): redeemed less, not issued more.
    if (entry.points > 0 && entry.type !== 'return') next.pointsIssued += entry.points;
    if (entry.type === 'redeem' || entry.type === 'return') next.pointsRedeemed -= entry.points;
    next.pointsOutstanding += entry.points;
    next.cashbackOutstanding += entry.cashback ?? 0;
  }
  for (const { before = noContribution, after } of activity.contributionChanges ?? []) {
    next.purchasers += after.purchaser - before.purchaser;
    next.repeatPurchasers += after.repeat - before.repeat;
    next.repeatLifespanSeconds += after.lifespanSeconds - before.lifespanSeconds;
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Window facts and the snapshot

export interface MemberOrderFact {
  memberId: string;
  orderId: string;
  occurredAt: string;
  amount: number;
  refunded: number;
}

export interface NonMemberPurchaseFact {
  orderId: string;
  occurredAt: string;
  amount: number;
}

export interface NpsAnswerFact {
  memberId: string;
  score: number;
  answeredAt: string;
  /** Breaks ties between two answers of one member in the same millisecond (later id wins). */
  answerId: string;
}

export interface SnapshotInputs {
  window: TimeWindow;
  currency: string;
  /** The program's configured lifespan t in years, when set. */
  expectedLifespanYears?: number | undefined;
  totals: RunningTotals;
  /** Members' orders that happened in the window or the previous one (others are ignored). */
  memberOrders: MemberOrderFact[];
  nonMemberPurchases: NonMemberPurchaseFact[];
  npsAnswers: NpsAnswerFact[];
  /** First purchase ever of each member active in the window (decides new vs returning). */
  firstPurchaseAt: ReadonlyMap<string, string | undefined>;
}

export interface SnapshotMeasures {
  window: TimeWindow;
  members: { total: number; active: number };
  clv: {
    value: Money | null;
    lifespanYears: number | null;
    purchasesPerYear: number | null;
    averageOrderValue: Money | null;
  };
  repeatCustomerRate: number | null;
  retentionRate: number | null;
  nps: number | null;
  npsResponses: number;
  redemptionRate: number | null;
  averageSpendPerMember: Money | null;
  averageOrderValue: {
    members: Money | null;
    nonMembers: Money | null;
    newMembers: Money | null;
    returningMembers: Money | null;
  };
  pointsOutstanding: number;
  cashbackOutstanding: Money;
}

/** Spend counts net of refunds; a refunded order is still one purchase. */
export const netSpend = (order: Pick<MemberOrderFact, 'amount' | 'refunded'>) =>
  Math.max(0, order.amount - order.refunded);

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** floor(numerator / denominator) of integers, exact at any size. */
function floorDivide(numerator: bigint, denominator: bigint): number {
  return Number(numerator / denominator);
}

function averageMoney(total: number, count: number, currency: string): Money | null {
  return count > 0 ? { value: Math.floor(total / count), currency } : null;
}

/** Net Promoter Score over the latest answer of each member: % promoters (9–10) − % detractors (0–6). */
export function netPromoterScore(answers: NpsAnswerFact[]): { nps: number | null; responses: number } {
  const latest: LatestAnswers = new Map();
  for (const answer of answers)
    keepLatest(latest, answer.memberId, { ...answer, answeredAt: Date.parse(answer.answeredAt) });
  return scoreOf(latest.values());
}

type LatestAnswers = Map<string, { answeredAt: number; answerId: string; score: number }>;

/** Keeps a member's latest answer: the later one, or of two in the same millisecond the later id. */
function keepLatest(
  latest: LatestAnswers,
  memberId: string,
  answer: { answeredAt: number; answerId: string; score: number },
): void {
  const seen = latest.get(memberId);
  if (
    !seen ||
    answer.answeredAt > seen.answeredAt ||
    (answer.answeredAt === seen.answeredAt && answer.answerId > seen.answerId)
  )
    latest.set(memberId, { answeredAt: answer.answeredAt, answerId: answer.answerId, score: answer.score });
}

function scoreOf(latest: Iterable<{ score: number }>): { nps: number | null; responses: number } {
  let promoters = 0;
  let detractors = 0;
  let responses = 0;
  for (const { score } of latest) {
    responses += 1;
    if (score >= 9) promoters += 1;
    else if (score <= 6) detractors += 1;
  }
  return { nps: responses > 0 ? ((promoters - detractors) * 100) / responses : null, responses };
}

interface OrderGroup {
  orders: number;
  spend: number;
}

/**
 * CLV = t × c × f, with t the lifespan in years, c the average member order value and
 * f the purchases per active member per year. Multiplied out, the order count and the
 * year cancel: CLV = lifespan × spend / (active members × window length), which is
 * computed in integers and rounded down once (never from the rounded c).
 */
export function customerLifetimeValue(input: {
  totals: Pick<RunningTotals, 'repeatPurchasers' | 'repeatLifespanSeconds'>;
  expectedLifespanYears?: number | undefined;
  windowMs: number;
  activeMembers: number;
  orders: number;
  spend: number;
  currency: string;
}): SnapshotMeasures['clv'] {
  const { totals, windowMs, activeMembers, orders, spend, currency } = input;
  // The lifespan as a ratio of integers: total seconds over members.
  const lifespan =
    input.expectedLifespanYears !== undefined
      ? {
          seconds: BigInt(Math.round(input.expectedLifespanYears * YEAR_SECONDS)),
          members: 1n,
          years: input.expectedLifespanYears,
        }
      : totals.repeatPurchasers > 0
        ? {
            seconds: BigInt(totals.repeatLifespanSeconds),
            members: BigInt(totals.repeatPurchasers),
            years: totals.repeatLifespanSeconds / totals.repeatPurchasers / YEAR_SECONDS,
          }
        : undefined;
  const purchasesPerYear = activeMembers > 0 && windowMs > 0 ? (orders / activeMembers) * (YEAR_MS / windowMs) : null;
  const averageOrderValue = averageMoney(spend, orders, currency);
  const value =
    lifespan && purchasesPerYear !== null && orders > 0
      ? {
          value: floorDivide(
            lifespan.seconds * 1000n * BigInt(spend),
            lifespan.members * BigInt(activeMembers) * BigInt(windowMs),
          ),
          currency,
        }
      : null;
  return { value, lifespanYears: lifespan ? lifespan.years : null, purchasesPerYear, averageOrderValue };
}

// ---------------------------------------------------------------------------------------
// The window as a fold of facts
//
// A window's measures need, per member, only a few numbers: orders and net spend in the
// window, whether they bought in the previous window, their first purchase ever. So the facts
// are folded one at a time into a summary that grows with the members seen, never with the
// orders: the job can stream a window of millions of facts through it in bounded memory, and
// folding any split of the facts in any order gives the same summary.

/** One fact of the window, as the metrics job keeps it (times in epoch ms). */
export type WindowFact =
  /** A member's order (`orders: 1`, gross amount) or a refund of it (`orders: 0`, negative amount), at the order's time. */
  | { kind: 'order'; memberId: string; occurredAt: number; amount: number; orders: 0 | 1; firstAt?: number | undefined }
  | { kind: 'purchase'; occurredAt: number; amount: number }
  | { kind: 'nps'; memberId: string; answeredAt: number; answerId: string; score: number }
  /**
   * A purchase reported late became the member's first: the member's facts stored before it
   * carry a later first purchase. Not tied to a window: it corrects the member wherever they are.
   */
  | { kind: 'first'; memberId: string; firstAt: number };

interface MemberInWindow {
  orders: number;
  spend: number;
  /** Bought in the previous window. */
  previous: boolean;
  /** Earliest first purchase any fact reported (a late report can only move it earlier). */
  firstAt: number | undefined;
}

export interface WindowSummary {
  from: number;
  to: number;
  previousFrom: number;
  members: Map<string, MemberInWindow>;
  nonMembers: { orders: number; spend: number };
  /** The latest answer of each member in the window. */
  npsLatest: LatestAnswers;
  /** First purchases that late reports moved earlier, by member. */
  firstCorrections: Map<string, number>;
}

export function emptySummary(window: TimeWindow): WindowSummary {
  const previous = previousWindow(window);
  return {
    from: Date.parse(window.from),
    to: Date.parse(window.to),
    previousFrom: Date.parse(previous.from),
    members: new Map(),
    nonMembers: { orders: 0, spend: 0 },
    npsLatest: new Map(),
    firstCorrections: new Map(),
  };
}

function memberIn(summary: WindowSummary, memberId: string): MemberInWindow {
  let member = summary.members.get(memberId);
  if (!member) {
    member = { orders: 0, spend: 0, previous: false, firstAt: undefined };
    summary.members.set(memberId, member);
  }
  return member;
}

/** Adds one fact to the summary, in place; facts outside both windows change nothing. */
export function foldFact(summary: WindowSummary, fact: WindowFact): void {
  if (fact.kind === 'order') {
    if (fact.occurredAt >= summary.from && fact.occurredAt < summary.to) {
      const member = memberIn(summary, fact.memberId);
      member.orders += fact.orders;
      member.spend += fact.amount;
      if (fact.firstAt !== undefined && (member.firstAt === undefined || fact.firstAt < member.firstAt))
        member.firstAt = fact.firstAt;
    } else if (fact.orders > 0 && fact.occurredAt >= summary.previousFrom && fact.occurredAt < summary.from) {
      memberIn(summary, fact.memberId).previous = true;
    }
    return;
  }
  if (fact.kind === 'first') {
    const seen = summary.firstCorrections.get(fact.memberId);
    if (seen === undefined || fact.firstAt < seen) summary.firstCorrections.set(fact.memberId, fact.firstAt);
    return;
  }
  if (fact.kind === 'purchase') {
    if (fact.occurredAt >= summary.from && fact.occurredAt < summary.to) {
      summary.nonMembers.orders += 1;
      summary.nonMembers.spend += fact.amount;
    }
    return;
  }
  if (fact.answeredAt < summary.from || fact.answeredAt >= summary.to) return;
  keepLatest(summary.npsLatest, fact.memberId, fact);
}

/** The window facts of the v1.0 shape (orders with their refunds, first purchases by member) as folded facts. */
export function* factsOf(
  inputs: Pick<SnapshotInputs, 'memberOrders' | 'nonMemberPurchases' | 'npsAnswers' | 'firstPurchaseAt'>,
): Generator<WindowFact> {
  for (const order of inputs.memberOrders) {
    const first = inputs.firstPurchaseAt.get(order.memberId);
    yield {
      kind: 'order',
      memberId: order.memberId,
      occurredAt: Date.parse(order.occurredAt),
      amount: netSpend(order),
      orders: 1,
      firstAt: first === undefined ? undefined : Date.parse(first),
    };
  }
  for (const purchase of inputs.nonMemberPurchases)
    yield { kind: 'purchase', occurredAt: Date.parse(purchase.occurredAt), amount: purchase.amount };
  for (const answer of inputs.npsAnswers)
    yield {
      kind: 'nps',
      memberId: answer.memberId,
      answeredAt: Date.parse(answer.answeredAt),
      answerId: answer.answerId,
      score: answer.score,
    };
}

export function computeMeasures(inputs: SnapshotInputs): SnapshotMeasures {
  const summary = emptySummary(inputs.window);
  for (const fact of factsOf(inputs)) foldFact(summary, fact);
  return measuresOf(summary, inputs);
}

/** The measures of a folded window and the running totals. */
export function measuresOf(
  summary: WindowSummary,
  context: Pick<SnapshotInputs, 'window' | 'currency' | 'expectedLifespanYears' | 'totals'>,
): SnapshotMeasures {
  const { window, currency, totals } = context;
  let active = 0;
  let previousMembers = 0;
  let retained = 0;
  const members: OrderGroup = { orders: 0, spend: 0 };
  const newMembers: OrderGroup = { orders: 0, spend: 0 };
  const returningMembers: OrderGroup = { orders: 0, spend: 0 };
  for (const [memberId, member] of summary.members) {
    if (member.previous) previousMembers += 1;
    if (member.orders === 0) continue;
    active += 1;
    if (member.previous) retained += 1;
    const corrected = summary.firstCorrections.get(memberId);
    const firstAt =
      corrected !== undefined && (member.firstAt === undefined || corrected < member.firstAt)
        ? corrected
        : member.firstAt;
    // New: the first purchase ever is in the window (or not known yet).
    const group = firstAt === undefined || firstAt >= summary.from ? newMembers : returningMembers;
    for (const target of [members, group]) {
      target.orders += member.orders;
      target.spend += member.spend;
    }
  }
  const { nps, responses } = scoreOf(summary.npsLatest.values());
  const { nonMembers } = summary;

  return {
    window,
    members: { total: totals.membersTotal, active },
    clv: customerLifetimeValue({
      totals,
      expectedLifespanYears: context.expectedLifespanYears,
      windowMs: summary.to - summary.from,
      activeMembers: active,
      orders: members.orders,
      spend: members.spend,
      currency,
    }),
    repeatCustomerRate: ratio(totals.repeatPurchasers, totals.purchasers),
    retentionRate: ratio(retained, previousMembers),
    nps,
    npsResponses: responses,
    redemptionRate: ratio(totals.pointsRedeemed, totals.pointsIssued),
    averageSpendPerMember: averageMoney(members.spend, active, currency),
    averageOrderValue: {
      members: averageMoney(members.spend, members.orders, currency),
      nonMembers: averageMoney(nonMembers.spend, nonMembers.orders, currency),
      newMembers: averageMoney(newMembers.spend, newMembers.orders, currency),
      returningMembers: averageMoney(returningMembers.spend, returningMembers.orders, currency),
    },
    pointsOutstanding: totals.pointsOutstanding,
    cashbackOutstanding: { value: totals.cashbackOutstanding, currency },
  };
}

/** Each measure as a CloudWatch metric (name, unit, value); measures without a value are left out. */
export function measuresAsMetrics(
  measures: SnapshotMeasures,
): { name: string; unit: 'Count' | 'None'; value: number }[] {
  const all: [string, 'Count' | 'None', number | null | undefined][] = [
    ['MembersTotal', 'Count', measures.members.total],
    ['MembersActive', 'Count', measures.members.active],
    ['ClvMinorUnits', 'None', measures.clv.value?.value],
    ['ClvLifespanYears', 'None', measures.clv.lifespanYears],
    ['ClvPurchasesPerYear', 'None', measures.clv.purchasesPerYear],
    ['ClvAverageOrderValueMinorUnits', 'None', measures.clv.averageOrderValue?.value],
    ['RepeatCustomerRate', 'None', measures.repeatCustomerRate],
    ['RetentionRate', 'None', measures.retentionRate],
    ['Nps', 'None', measures.nps],
    ['NpsResponses', 'Count', measures.npsResponses],
    ['RedemptionRate', 'None', measures.redemptionRate],
    ['AverageSpendPerMemberMinorUnits', 'None', measures.averageSpendPerMember?.value],
    ['AverageOrderValueMembersMinorUnits', 'None', measures.averageOrderValue.members?.value],
    ['AverageOrderValueNonMembersMinorUnits', 'None', measures.averageOrderValue.nonMembers?.value],
    ['AverageOrderValueNewMembersMinorUnits', 'None', measures.averageOrderValue.newMembers?.value],
    ['AverageOrderValueReturningMembersMinorUnits', 'None', measures.averageOrderValue.returningMembers?.value],
    ['PointsOutstanding', 'Count', measures.pointsOutstanding],
    ['CashbackOutstandingMinorUnits', 'None', measures.cashbackOutstanding.value],
    // One per snapshot: its absence is what the staleness alarm watches.
    ['SnapshotsComputed', 'Count', 1],
  ];
  return all
    .filter((metric): metric is [string, 'Count' | 'None', number] => typeof metric[2] === 'number')
    .map(([name, unit, value]) => ({ name, unit, value }));
}

/** The ledger entries that change a member's purchase facts (count, first and last purchase). */
const PURCHASE_ENTRY_TYPES: ReadonlySet<LedgerEntryType> = new Set(['earn', 'cashback', 'refund']);
export function changesPurchaseFacts(type: LedgerEntryType): boolean {
  return PURCHASE_ENTRY_TYPES.has(type);
}

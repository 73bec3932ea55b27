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

const within = (at: string, window: TimeWindow) => at >= window.from && at < window.to;

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
    if (entry.points > 0) next.pointsIssued += entry.points;
    if (entry.type === 'redeem') next.pointsRedeemed -= entry.points;
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
  const latest = new Map<string, NpsAnswerFact>();
  for (const answer of answers) {
    const seen = latest.get(answer.memberId);
    if (
      !seen ||
      answer.answeredAt > seen.answeredAt ||
      (answer.answeredAt === seen.answeredAt && answer.answerId > seen.answerId)
    )
      latest.set(answer.memberId, answer);
  }
  let promoters = 0;
  let detractors = 0;
  for (const { score } of latest.values()) {
    if (score >= 9) promoters += 1;
    else if (score <= 6) detractors += 1;
  }
  const responses = latest.size;
  return { nps: responses > 0 ? ((promoters - detractors) * 100) / responses : null, responses };
}

interface OrderGroup {
  orders: number;
  spend: number;
}

function group(orders: MemberOrderFact[]): OrderGroup {
  return { orders: orders.length, spend: orders.reduce((sum, order) => sum + netSpend(order), 0) };
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

export function computeMeasures(inputs: SnapshotInputs): SnapshotMeasures {
  const { window, currency, totals } = inputs;
  const previous = previousWindow(window);
  const windowOrders = inputs.memberOrders.filter((order) => within(order.occurredAt, window));
  const activeMembers = new Set(windowOrders.map((order) => order.memberId));
  const previousMembers = new Set(
    inputs.memberOrders.filter((order) => within(order.occurredAt, previous)).map((order) => order.memberId),
  );
  const retained = [...previousMembers].filter((memberId) => activeMembers.has(memberId)).length;

  const isNew = (memberId: string) => {
    const first = inputs.firstPurchaseAt.get(memberId);
    return first === undefined || first >= window.from;
  };
  const members = group(windowOrders);
  const newMembers = group(windowOrders.filter((order) => isNew(order.memberId)));
  const returningMembers = group(windowOrders.filter((order) => !isNew(order.memberId)));
  const nonMemberPurchases = inputs.nonMemberPurchases.filter((purchase) => within(purchase.occurredAt, window));
  const nonMembers = {
    orders: nonMemberPurchases.length,
    spend: nonMemberPurchases.reduce((sum, purchase) => sum + purchase.amount, 0),
  };
  const { nps, responses } = netPromoterScore(inputs.npsAnswers.filter((answer) => within(answer.answeredAt, window)));

  return {
    window,
    members: { total: totals.membersTotal, active: activeMembers.size },
    clv: customerLifetimeValue({
      totals,
      expectedLifespanYears: inputs.expectedLifespanYears,
      windowMs: Date.parse(window.to) - Date.parse(window.from),
      activeMembers: activeMembers.size,
      orders: members.orders,
      spend: members.spend,
      currency,
    }),
    repeatCustomerRate: ratio(totals.repeatPurchasers, totals.purchasers),
    retentionRate: ratio(retained, previousMembers.size),
    nps,
    npsResponses: responses,
    redemptionRate: ratio(totals.pointsRedeemed, totals.pointsIssued),
    averageSpendPerMember: averageMoney(members.spend, activeMembers.size, currency),
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

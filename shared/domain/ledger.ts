import type { MemberState } from './member';
import { pendingCashbackTotal } from './member';

export type LedgerEntryType =
  'earn' | 'redeem' | 'bonus' | 'cashback' | 'cashback-redeem' | 'refund' | 'expiry' | 'adjustment' | 'return';

export interface BreakdownLine {
  rule: string;
  points: number;
  /** A basket rule's line: the order lines it counted. */
  lineIds?: string[];
  /** A rule's gift (a `reward` effect): the code issued, or why none was (e.g. out of stock). */
  gift?: RuleGift;
}

export type GiftSkipped = 'reward-not-found' | 'not-a-code-reward' | 'not-available' | 'out-of-stock' | 'gift-limit';

export type RuleGift = { rewardId: string; codeId: string } | { rewardId: string; skipped: GiftSkipped };

/** One movement a use case wants to post; `postMovements` turns it into a ledger entry. */
export interface Movement {
  type: LedgerEntryType;
  points: number;
  /** Signed cashback movement. `pending` lots carry their release time; negative pending reduces the order's lot. */
  cashback?: { value: number; status: 'pending' | 'available'; releaseAt?: string };
  orderId?: string;
  rewardId?: string;
  /** Entries of this raffle bought with the points (a `redeem`). */
  raffleId?: string;
  occurredAt?: string;
  /** The purchase (earn, cashback) or refund amount the movement is about, in minor units of the program currency. */
  amount?: number;
  breakdown?: BreakdownLine[];
  /**
   * Counts toward lifetimeRedeemed (redemptions), as opposed to reversals and expiry. A `return`
   * (a code's points given back) is a redemption undone: it lowers lifetimeRedeemed and earns nothing.
   */
  redemption?: boolean;
  /** Adjustments: why (support desks write it), and the caller's own reference (a ticket number). */
  reason?: string;
  reference?: string;
  /** Earns: the channel and the store of the purchase, when the caller said. */
  channel?: string;
  storeId?: string;
}

export interface LedgerEntry {
  transactionId: string;
  memberId: string;
  type: LedgerEntryType;
  points: number;
  cashback?: { value: number; currency: string; status?: 'pending' | 'available'; releaseAt?: string };
  balance: { points: number; cashbackAvailable: number; cashbackPending: number };
  orderId?: string;
  rewardId?: string;
  raffleId?: string;
  partnerId: string;
  createdAt: string;
  occurredAt?: string;
  amount?: { value: number; currency: string };
  breakdown?: BreakdownLine[];
  reason?: string;
  reference?: string;
  channel?: string;
  storeId?: string;
  programVersion: number;
  /**
   * An earn credited as a lot: when its points become spendable (`pointsStatus` is read from it).
   * Absent: available when posted (every entry before lots, and credits without a hold).
   */
  pointsAvailableAt?: string;
  /** Position in the member's ledger: the member version that wrote it, then the entry's index. */
  sequence: number;
  index: number;
}

export interface PostingContext {
  partnerId: string;
  now: string;
  currency: string;
  programVersion: number;
  newTransactionId: () => string;
}

/**
 * Applies movements to a member, in order, and returns the next state with one ledger
 * entry per movement, each carrying the balances after it. This is the only place
 * balances change, which is what keeps "sum of the ledger = balance" true.
 */
export function postMovements(
  member: MemberState,
  movements: Movement[],
  context: PostingContext,
): { member: MemberState; entries: LedgerEntry[] } {
  const sequence = member.version + 1;
  let points = { ...member.points };
  let available = member.cashback.available;
  let pending = member.cashback.pending.map((lot) => ({ ...lot }));
  const entries: LedgerEntry[] = movements.map((movement, index) => {
    points = {
      ...points,
      balance: points.balance + movement.points,
      lifetimeEarned: points.lifetimeEarned + (movement.points > 0 && !movement.redemption ? movement.points : 0),
      lifetimeRedeemed: points.lifetimeRedeemed + (movement.redemption ? -movement.points : 0),
    };
    const cashback = movement.cashback;
    if (cashback?.status === 'available') available += cashback.value;
    if (cashback?.status === 'pending')
      pending = applyPendingMovement(pending, movement.orderId, cashback.value, cashback.releaseAt);
    const cashbackPending = pending.reduce((sum, lot) => sum + lot.value, 0);
    return {
      transactionId: context.newTransactionId(),
      memberId: member.memberId,
      type: movement.type,
      points: movement.points,
      ...(cashback
        ? {
            cashback: {
              value: cashback.value,
              currency: context.currency,
              status: cashback.status,
              ...(cashback.releaseAt ? { releaseAt: cashback.releaseAt } : {}),
            },
          }
        : {}),
      // What the member can spend after it: reserved points (codes charged at use) are held apart.
      balance: {
        points: points.balance - (member.points.reserved ?? 0),
        cashbackAvailable: available,
        cashbackPending,
      },
      ...(movement.orderId ? { orderId: movement.orderId } : {}),
      ...(movement.rewardId ? { rewardId: movement.rewardId } : {}),
      ...(movement.raffleId ? { raffleId: movement.raffleId } : {}),
      partnerId: context.partnerId,
      createdAt: context.now,
      ...(movement.occurredAt ? { occurredAt: movement.occurredAt } : {}),
      ...(movement.amount !== undefined ? { amount: { value: movement.amount, currency: context.currency } } : {}),
      ...(movement.breakdown ? { breakdown: movement.breakdown } : {}),
      ...(movement.reason !== undefined ? { reason: movement.reason } : {}),
      ...(movement.reference !== undefined ? { reference: movement.reference } : {}),
      ...(movement.channel !== undefined ? { channel: movement.channel } : {}),
      ...(movement.storeId !== undefined ? { storeId: movement.storeId } : {}),
      programVersion: context.programVersion,
      sequence,
      index,
    };
  });
  const next: MemberState = { ...member, points, cashback: { ...member.cashback, available, pending } };
  if (pendingCashbackTotal(next) < 0) throw new RangeError('pending cashback cannot go below zero');
  return { member: next, entries };
}

function applyPendingMovement(
  lots: MemberState['cashback']['pending'],
  orderId: string | undefined,
  value: number,
  releaseAt: string | undefined,
): MemberState['cashback']['pending'] {
  if (!orderId) throw new RangeError('a pending cashback movement needs its orderId');
  if (value >= 0) {
    if (!releaseAt) throw new RangeError('a pending cashback credit needs its release time');
    return [...lots, { orderId, value, releaseAt }];
  }
  // A reversal the order's lot cannot cover would leave the ledger out of step with the balance.
  const lot = lots.find((candidate) => candidate.orderId === orderId);
  if (!lot || lot.value + value < 0)
    throw new RangeError(`order ${orderId} has no pending cashback to cover ${-value}`);
  return lots
    .map((lot) => (lot.orderId === orderId ? { ...lot, value: lot.value + value } : lot))
    .filter((lot) => lot.value > 0);
}

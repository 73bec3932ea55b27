import type { ProgramRules } from '@shared/schemas/program';
import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import { basisPointsOf, proportionalShare } from './money';
import type { OrderState } from './order';
import { tierBeforePurchase } from './tiers';
import { DAY_MS } from './time';

/*
 * No scheduled job releases pending cashback. Whether a lot is available is a pure function
 * of its releaseAt and the clock, so every read (memberView) and every write (loadActiveMember)
 * settles it (settleCashback): the member view is right at any instant, not only after a job
 * ran. Settling moves value between pending and available without changing their sum, so it
 * needs no ledger entry and leaves what the program owes (cashbackOutstanding) unchanged; a
 * job would only spend writes on member items, and race with requests, for nothing a reader
 * can observe. Readers of stored member items that need the split call settleCashback too.
 */

/** The return window runs from the purchase itself, so a till that reports late does not extend it. */
export function cashbackReleaseAt(occurredAt: string, holdDays: number): string {
  return new Date(Date.parse(occurredAt) + holdDays * DAY_MS).toISOString();
}

/** The cashback rate (basis points) of the tier the purchase earns at (see `tierBeforePurchase`). */
export function cashbackRateFor(
  program: Pick<ProgramRules, 'tiers'>,
  member: Pick<MemberState, 'purchases'>,
  recordedOrder: OrderState | undefined,
  now: Date,
): number {
  return tierBeforePurchase(program, member, recordedOrder, now).cashbackRate;
}

export interface CashbackCredit {
  /** What the purchase earns, the basis of every later proportional reversal. */
  credited: number;
  /** The share of it that refunds made before the credit already cancel. */
  reversed: number;
  releaseAt: string;
  movement: Movement;
}

/**
 * The credit for a purchase: the tier's rate of the amount, rounded down to the minor unit.
 * It is pending until the hold ends; with no hold (or a window already over, for a late
 * report) it is available at once. A zero credit is posted as available: no empty lot.
 * An order refunded (after earn) before its cashback arrives is credited net of those
 * refunds, so the member never keeps cashback for goods that went back.
 */
export function cashbackCredit(
  program: Pick<ProgramRules, 'tiers' | 'cashback'>,
  member: Pick<MemberState, 'purchases'>,
  purchase: { order: OrderState; recorded: boolean; amount: number },
  now: Date,
): CashbackCredit {
  const rate = cashbackRateFor(program, member, purchase.recorded ? purchase.order : undefined, now);
  const credited = basisPointsOf(purchase.amount, rate);
  const reversed = proportionalShare(credited, purchase.order.refunded, purchase.order.amount);
  const value = credited - reversed;
  const { holdDays } = program.cashback;
  const releaseAt = cashbackReleaseAt(purchase.order.occurredAt, holdDays);
  const availableNow = holdDays === 0 || value === 0 || Date.parse(releaseAt) <= now.getTime();
  const movement: Movement = {
    type: 'cashback',
    points: 0,
    cashback: availableNow ? { value, status: 'available' } : { value, status: 'pending', releaseAt },
    orderId: purchase.order.orderId,
    occurredAt: purchase.order.occurredAt,
    amount: purchase.amount,
  };
  return { credited, reversed, releaseAt, movement };
}

/**
 * Spending cashback takes only what is available, never below zero. After a refund took the
 * available cashback below zero, every spend is refused until it is positive again.
 */
export function redeemCashbackMovement(
  member: Pick<MemberState, 'cashback'>,
  value: number,
  extra: Pick<Movement, 'orderId'> = {},
): Movement {
  const { available } = member.cashback;
  if (available < 0) {
    throw new DomainError(
      'negative-balance',
      `The available cashback is ${available} after a refund; spending resumes once it is positive.`,
    );
  }
  if (available < value) {
    throw new DomainError('insufficient-cashback', `The available cashback is ${available}; ${value} was asked.`);
  }
  return { type: 'cashback-redeem', points: 0, cashback: { value: -value, status: 'available' }, ...extra };
}

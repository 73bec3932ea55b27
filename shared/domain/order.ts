import type { OrderBasket } from './basket-order';
import { DomainError } from './errors';
import type { MemberState } from './member';
import type { Money } from './money';
import { recordSpend } from './tiers';
import { DAY_MS } from './time';

/**
 * What one order of a member earned and what has been refunded of it. Earn and cashback
 * credits of the same order share this record, so a refund reverses both from stored facts.
 */
export interface OrderState {
  memberId: string;
  orderId: string;
  amount: number;
  currency: string;
  occurredAt: string;
  recordedAt: string;
  points?: { earned: number; reversed: number };
  cashback?: { credited: number; reversed: number; releaseAt: string };
  refunded: number;
  /** Raffle entries the order's earn gave and still holds, per raffleId (a refund takes them back). */
  raffleEntries?: Record<string, number>;
  /** Optimistic-concurrency token; 0 for an order not yet stored. */
  version: number;
  /** Stored by a bulk import: no ledger entry records it (the metrics job finds it by itself). */
  imported?: true;
  /** Earned with a basket or under basket rules: what a refund recomputes from (./basket-order.ts). */
  basket?: OrderBasket;
}

export const MAX_LATE_DAYS = 90;
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A till that was offline may report a purchase up to 90 days late, never more than 5 minutes ahead. */
export function resolveOccurredAt(occurredAt: string | undefined, now: Date): string {
  if (occurredAt === undefined) return now.toISOString();
  const at = Date.parse(occurredAt);
  if (at > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new DomainError('occurred-at-out-of-range', 'occurredAt is in the future.', [
      { path: 'body.occurredAt', message: 'must not be more than 5 minutes ahead of now' },
    ]);
  }
  if (at < now.getTime() - MAX_LATE_DAYS * DAY_MS) {
    throw new DomainError('occurred-at-out-of-range', 'occurredAt is too far back.', [
      { path: 'body.occurredAt', message: `must be within the last ${MAX_LATE_DAYS} days` },
    ]);
  }
  return new Date(at).toISOString();
}

export function newOrder(memberId: string, orderId: string, amount: Money, occurredAt: string, now: Date): OrderState {
  return {
    memberId,
    orderId,
    amount: amount.value,
    currency: amount.currency,
    occurredAt,
    recordedAt: now.toISOString(),
    refunded: 0,
    version: 0,
  };
}

/**
 * The order an earn or a cashback call is about: the one already recorded (its other half
 * came first), or a new one, which counts as one more purchase of the member.
 */
export function orderForPurchase(
  member: MemberState,
  recorded: OrderState | undefined,
  purchase: { orderId: string; amount: Money; occurredAt?: string; channel?: string | undefined },
  now: Date,
): { order: OrderState; member: MemberState } {
  const occurredAt = resolveOccurredAt(purchase.occurredAt, now);
  if (recorded) return { order: recorded, member };
  const order = newOrder(member.memberId, purchase.orderId, purchase.amount, occurredAt, now);
  return { order, member: recordPurchase(member, order, now, purchase.channel) };
}

/**
 * The member-side facts of a new purchase: one purchase however many things it earned
 * (points and cashback), counted at its occurredAt, its spend qualifying for tiers.
 */
export function recordPurchase(member: MemberState, order: OrderState, now: Date, channel?: string): MemberState {
  const { firstAt, lastAt, lastChannel: _lastChannel, ...purchases } = member.purchases;
  const latest = !(lastAt && lastAt > order.occurredAt);
  // The latest purchase names the last channel (none when its caller did not say); an older one changes nothing.
  const lastChannel = latest ? channel : member.purchases.lastChannel;
  return {
    ...member,
    purchases: {
      ...purchases,
      count: member.purchases.count + 1,
      firstAt: firstAt && firstAt < order.occurredAt ? firstAt : order.occurredAt,
      lastAt: latest ? order.occurredAt : lastAt,
      ...(lastChannel !== undefined ? { lastChannel } : {}),
      spendByDay: recordSpend(member.purchases.spendByDay, order.occurredAt, order.amount, now),
    },
  };
}

/** One earn per order per member: the order remembers what it earned. */
export function assertNotEarned(recorded: OrderState | undefined, orderId: string): void {
  if (recorded?.points)
    throw new DomainError('duplicate-order', `Order ${orderId} already earned points for this member.`);
}

/** One cashback credit per order per member. */
export function assertNotCredited(recorded: OrderState | undefined, orderId: string): void {
  if (recorded?.cashback)
    throw new DomainError('duplicate-order', `Order ${orderId} already credited cashback to this member.`);
}

/** A refund is about an order the member has. */
export function refundableOrder(recorded: OrderState | undefined, memberId: string, orderId: string): OrderState {
  if (!recorded) throw new DomainError('order-not-found', `Member ${memberId} has no order ${orderId}.`);
  return recorded;
}

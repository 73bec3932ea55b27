import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import {
  type Caller,
  creditCashback,
  earnPoints,
  enrolMember,
  redeemCashback,
  redeemPoints,
  refundOrder,
} from '../support/use-cases';
import { findMember } from '@shared/store/items/member';
import { listLedger } from '@shared/store/queries';
import { loadActiveMember } from '@shared/app/support/load';
import { findOrder } from '@shared/store/items/order';
import { DomainError } from '@shared/domain/errors';
import { pendingCashbackTotal } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { requestHash } from '@shared/http/request';
import { currentProgram } from '@shared/store/program';
import { useFreshTable } from '../support/table';

const DAY = 86_400_000;
const noBonuses = { signup: 0, referrer: 0, referee: 0, birthday: 0 };

function caller(at: Date = new Date(), key: string = randomUUID(), body: unknown = {}): Caller {
  return {
    partnerId: 'partner-1',
    now: () => at,
    idempotency: { scope: 'partner-1', key, requestHash: requestHash('POST', '/test', body) },
  };
}

async function enrol(): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, caller());
  return (result.body as { memberId: string }).memberId;
}

async function view(memberId: string, at: Date) {
  return memberView(await loadActiveMember(memberId, at), await currentProgram(), at);
}

/** The ledger is the truth: its points sum to the balance and its cashback to available + pending. */
async function expectLedgerMatchesBalances(memberId: string) {
  const member = await findMember(memberId);
  if (!member) throw new Error(`no member ${memberId}`);
  const { items } = await listLedger(memberId, 100, undefined);
  expect(items.reduce((sum, e) => sum + e.points, 0)).toBe(member.points.balance);
  expect(items.reduce((sum, e) => sum + (e.cashback?.value ?? 0), 0)).toBe(
    member.cashback.available + pendingCashbackTotal(member),
  );
  return { member, entries: items };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

describe('cashback with a 14-day return window, on DynamoDB Local', () => {
  beforeAll(async () => {
    await useFreshTable({ bonuses: noBonuses, cashback: { holdDays: 14 } });
  });

  it('credits the tier rate of the purchase as pending, released exactly when the hold ends', async () => {
    const memberId = await enrol();
    const t0 = new Date();
    const releaseAt = new Date(t0.getTime() + 14 * DAY);
    const credited = await creditCashback(memberId, { orderId: 'o-1', amount: eur(12_345) }, caller(t0));
    expect(credited).toMatchObject({
      status: 201,
      body: {
        type: 'cashback',
        points: 0,
        orderId: 'o-1',
        amount: eur(12_345),
        cashback: { value: 123, currency: 'EUR', status: 'pending', releaseAt: releaseAt.toISOString() },
        balance: { cashbackAvailable: 0, cashbackPending: 123 },
      },
    });
    expect((await view(memberId, new Date(releaseAt.getTime() - 1))).cashback).toEqual({
      currency: 'EUR',
      available: 0,
      pending: 123,
    });
    expect((await view(memberId, releaseAt)).cashback).toEqual({ currency: 'EUR', available: 123, pending: 0 });
    await expectLedgerMatchesBalances(memberId);
  });

  it('settles released cashback into the stored balances on the next write, with nothing but the credit on the ledger', async () => {
    const memberId = await enrol();
    const t0 = new Date();
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller(t0));
    const later = new Date(t0.getTime() + 15 * DAY);
    const spent = await redeemCashback(memberId, { amount: eur(40), orderId: 'till-9' }, caller(later));
    expect(spent.body).toMatchObject({
      type: 'cashback-redeem',
      cashback: { value: -40, status: 'available' },
      orderId: 'till-9',
      balance: { cashbackAvailable: 60, cashbackPending: 0 },
    });
    const { member, entries } = await expectLedgerMatchesBalances(memberId);
    // The released lot stays listed until the time-changes job announces it (cashback.available).
    expect(member.cashback).toEqual({
      available: 60,
      pending: [],
      released: [{ orderId: 'o-1', value: 100, releaseAt: new Date(t0.getTime() + 14 * DAY).toISOString() }],
    });
    expect(entries.map((e) => e.type)).toEqual(['cashback-redeem', 'cashback']);
  });

  it('refuses to spend pending cashback', async () => {
    const memberId = await enrol();
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    expect(await refusal(redeemCashback(memberId, { amount: eur(1) }, caller()))).toBe('insufficient-cashback');
  });

  it('credits cashback once per order: a second credit is a duplicate', async () => {
    const memberId = await enrol();
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(5_000) }, caller());
    expect(await refusal(creditCashback(memberId, { orderId: 'o-1', amount: eur(5_000) }, caller()))).toBe(
      'duplicate-order',
    );
    const { member } = await expectLedgerMatchesBalances(memberId);
    expect(member.purchases.count).toBe(1);
  });

  it('counts an order that earned points and cashback as one purchase, on one order item', async () => {
    const memberId = await enrol();
    const earned = await earnPoints(memberId, { orderId: 'o-1', amount: eur(8_000) }, caller());
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(8_000) }, caller());
    const { member } = await expectLedgerMatchesBalances(memberId);
    expect(member.purchases.count).toBe(1);
    expect(member.purchases.spendByDay).toEqual({ [new Date().toISOString().slice(0, 10)]: 8_000 });
    expect(await findOrder(memberId, 'o-1')).toMatchObject({
      amount: 8_000,
      refunded: 0,
      points: { earned: (earned.body as { points: number }).points, reversed: 0 },
      cashback: { credited: 80, reversed: 0 },
    });
  });

  it('makes a late-reported purchase available at once when its return window is already over', async () => {
    const memberId = await enrol();
    const now = new Date();
    const occurredAt = new Date(now.getTime() - 20 * DAY).toISOString();
    const credited = await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000), occurredAt }, caller(now));
    expect(credited.body).toMatchObject({ cashback: { value: 100, status: 'available' }, occurredAt });
  });

  it('refuses a currency other than the program currency, changing nothing', async () => {
    const memberId = await enrol();
    const usd = { value: 1_000, currency: 'USD' };
    expect(await refusal(creditCashback(memberId, { orderId: 'o-1', amount: usd }, caller()))).toBe(
      'currency-mismatch',
    );
    expect(await refusal(redeemCashback(memberId, { amount: usd }, caller()))).toBe('currency-mismatch');
    expect(await refusal(refundOrder(memberId, { orderId: 'o-1', amount: usd }, caller()))).toBe('currency-mismatch');
    expect((await findMember(memberId))?.version).toBe(1);
  });

  it('lets exactly N of N+15 concurrent one-cent spends through a wallet of N cents', async () => {
    const memberId = await enrol();
    const now = new Date();
    // 1 % of 10.00 EUR, reported after its window: 10 cents available at once.
    await creditCashback(
      memberId,
      { orderId: 'o-1', amount: eur(1_000), occurredAt: new Date(now.getTime() - 30 * DAY).toISOString() },
      caller(now),
    );
    const wallet = (await findMember(memberId))?.cashback.available ?? 0;
    expect(wallet).toBe(10);
    const results = await Promise.allSettled(
      Array.from({ length: wallet + 15 }, () => redeemCashback(memberId, { amount: eur(1) }, caller(now))),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(succeeded).toHaveLength(wallet);
    expect(refused).toHaveLength(15);
    expect(refused.every((e) => e instanceof DomainError && e.code === 'insufficient-cashback')).toBe(true);
    const { member, entries } = await expectLedgerMatchesBalances(memberId);
    expect(member.cashback.available).toBe(0);
    expect(entries.filter((e) => e.type === 'cashback-redeem')).toHaveLength(wallet);
  });

  it('answers a repeated refund with the first response and reverses only once', async () => {
    const memberId = await enrol();
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    const key = randomUUID();
    const body = { orderId: 'o-1', amount: eur(5_000) };
    const first = await refundOrder(memberId, body, caller(new Date(), key, body));
    const again = await refundOrder(memberId, body, caller(new Date(), key, body));
    expect(again).toEqual({ ...first, replayed: true });
    expect((await findOrder(memberId, 'o-1'))?.refunded).toBe(5_000);
    await expectLedgerMatchesBalances(memberId);
  });
});

describe('refunds on DynamoDB Local', () => {
  beforeAll(async () => {
    await useFreshTable({ bonuses: noBonuses, cashback: { holdDays: 14 } });
  });

  it('reverses exactly what the order earned over three refunds of 33.33 %, and takes them out of the qualifying spend', async () => {
    const memberId = await enrol();
    const earned = await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    const points = (earned.body as { points: number }).points;
    for (const amount of [3_333, 3_333, 3_334]) {
      const refunded = await refundOrder(memberId, { orderId: 'o-1', amount: eur(amount) }, caller());
      expect(refunded.body).toMatchObject({ type: 'refund', orderId: 'o-1', amount: eur(amount) });
    }
    const { member, entries } = await expectLedgerMatchesBalances(memberId);
    const refunds = entries.filter((e) => e.type === 'refund');
    expect(refunds.reduce((sum, e) => sum + e.points, 0)).toBe(-points);
    expect(refunds.reduce((sum, e) => sum + (e.cashback?.value ?? 0), 0)).toBe(-100);
    expect(member.points.balance).toBe(0);
    expect(member.cashback).toEqual({ available: 0, pending: [] });
    expect(Object.values(member.purchases.spendByDay)).toEqual([0]);
    expect(await findOrder(memberId, 'o-1')).toMatchObject({
      refunded: 10_000,
      points: { earned: points, reversed: points },
      cashback: { credited: 100, reversed: 100 },
    });
  });

  it('posts the cashback and the points reversal as two entries and answers with the last, which carries the balances after both', async () => {
    const memberId = await enrol();
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(20_000) }, caller());
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(20_000) }, caller());
    const refunded = await refundOrder(memberId, { orderId: 'o-1', amount: eur(5_000) }, caller());
    const { member, entries } = await expectLedgerMatchesBalances(memberId);
    const [pointsEntry, cashbackEntry] = entries;
    expect(cashbackEntry).toMatchObject({
      type: 'refund',
      points: 0,
      cashback: { value: -50, status: 'pending' },
      orderId: 'o-1',
      amount: eur(5_000),
    });
    expect(pointsEntry).toMatchObject({
      type: 'refund',
      orderId: 'o-1',
      amount: eur(5_000),
      balance: { points: member.points.balance, cashbackAvailable: 0, cashbackPending: 150 },
    });
    expect(refunded.body).toMatchObject({ transactionId: pointsEntry?.transactionId });
  });

  it('reverses pending cashback before it ever becomes available', async () => {
    const memberId = await enrol();
    const t0 = new Date();
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller(t0));
    await refundOrder(memberId, { orderId: 'o-1', amount: eur(6_000) }, caller(new Date(t0.getTime() + 3 * DAY)));
    expect((await view(memberId, new Date(t0.getTime() + 3 * DAY))).cashback).toEqual({
      currency: 'EUR',
      available: 0,
      pending: 40,
    });
    expect((await view(memberId, new Date(t0.getTime() + 14 * DAY))).cashback).toEqual({
      currency: 'EUR',
      available: 40,
      pending: 0,
    });
    await expectLedgerMatchesBalances(memberId);
  });

  it('reverses released cashback from available, and refuses cashback spends while it is negative', async () => {
    const memberId = await enrol();
    const t0 = new Date();
    const afterHold = new Date(t0.getTime() + 20 * DAY);
    await creditCashback(memberId, { orderId: 'o-1', amount: eur(30_000) }, caller(t0));
    await redeemCashback(memberId, { amount: eur(300) }, caller(afterHold));
    const refunded = await refundOrder(memberId, { orderId: 'o-1', amount: eur(30_000) }, caller(afterHold));
    expect(refunded.body).toMatchObject({
      cashback: { value: -300, status: 'available' },
      balance: { cashbackAvailable: -300, cashbackPending: 0 },
    });
    expect(await refusal(redeemCashback(memberId, { amount: eur(1) }, caller(afterHold)))).toBe('negative-balance');
    // A purchase whose window is already over brings the wallet back above zero.
    await creditCashback(
      memberId,
      { orderId: 'o-2', amount: eur(40_000), occurredAt: t0.toISOString() },
      caller(afterHold),
    );
    expect((await findMember(memberId))?.cashback.available).toBe(100);
    await redeemCashback(memberId, { amount: eur(100) }, caller(afterHold));
    await expectLedgerMatchesBalances(memberId);
  });

  it('takes the points balance below zero after the points were spent; redemptions are refused until a new earn brings it back', async () => {
    const memberId = await enrol();
    const earned = await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    const points = (earned.body as { points: number }).points;
    expect(points).toBeGreaterThan(0);
    await redeemPoints(memberId, { points }, caller());
    const refunded = await refundOrder(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    expect(refunded.body).toMatchObject({ type: 'refund', points: -points, balance: { points: -points } });
    expect(await refusal(redeemPoints(memberId, { points: 1 }, caller()))).toBe('negative-balance');
    await earnPoints(memberId, { orderId: 'o-2', amount: eur(30_000) }, caller());
    const balance = (await findMember(memberId))?.points.balance ?? 0;
    expect(balance).toBeGreaterThan(0);
    await expect(redeemPoints(memberId, { points: balance }, caller())).resolves.toMatchObject({
      status: 201,
      body: { balance: { points: 0 } },
    });
    await expectLedgerMatchesBalances(memberId);
  });

  it('refuses a refund beyond what is left of the order, changing nothing', async () => {
    const memberId = await enrol();
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    expect(await refusal(refundOrder(memberId, { orderId: 'o-1', amount: eur(10_001) }, caller()))).toBe(
      'refund-exceeds-order',
    );
    await refundOrder(memberId, { orderId: 'o-1', amount: eur(9_000) }, caller());
    const before = await findMember(memberId);
    expect(await refusal(refundOrder(memberId, { orderId: 'o-1', amount: eur(1_001) }, caller()))).toBe(
      'refund-exceeds-order',
    );
    expect(await findMember(memberId)).toEqual(before);
    expect((await findOrder(memberId, 'o-1'))?.refunded).toBe(9_000);
  });

  it('credits cashback that arrives after a partial refund net of it, and the rest of the refunds reverse the rest', async () => {
    const memberId = await enrol();
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    await refundOrder(memberId, { orderId: 'o-1', amount: eur(4_000) }, caller());
    const credited = await creditCashback(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    expect(credited.body).toMatchObject({ cashback: { value: 60, status: 'pending' } });
    expect(await findOrder(memberId, 'o-1')).toMatchObject({ cashback: { credited: 100, reversed: 40 } });
    await refundOrder(memberId, { orderId: 'o-1', amount: eur(6_000) }, caller());
    const { member } = await expectLedgerMatchesBalances(memberId);
    expect(member.cashback).toEqual({ available: 0, pending: [] });
    expect(member.points.balance).toBe(0);
  });

  it('refuses a refund of an order the member never made', async () => {
    const memberId = await enrol();
    expect(await refusal(refundOrder(memberId, { orderId: 'nope', amount: eur(100) }, caller()))).toBe(
      'order-not-found',
    );
  });

  it('never lets concurrent refunds of one order add up to more than the order', async () => {
    const memberId = await enrol();
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(10_000) }, caller());
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => refundOrder(memberId, { orderId: 'o-1', amount: eur(4_000) }, caller())),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused.every((e) => e instanceof DomainError && e.code === 'refund-exceeds-order')).toBe(true);
    expect((await findOrder(memberId, 'o-1'))?.refunded).toBe(8_000);
    await expectLedgerMatchesBalances(memberId);
  });
});

describe('cashback with no return window, on DynamoDB Local', () => {
  beforeAll(async () => {
    await useFreshTable({ bonuses: noBonuses, cashback: { holdDays: 0 } });
  });

  it('makes the credit available at once', async () => {
    const memberId = await enrol();
    const credited = await creditCashback(memberId, { orderId: 'o-1', amount: eur(2_999) }, caller());
    expect(credited.body).toMatchObject({
      cashback: { value: 29, status: 'available' },
      balance: { cashbackAvailable: 29, cashbackPending: 0 },
    });
    await expect(redeemCashback(memberId, { amount: eur(29) }, caller())).resolves.toMatchObject({ status: 201 });
    await expectLedgerMatchesBalances(memberId);
  });
});

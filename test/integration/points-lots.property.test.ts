import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import { loadLotBook } from '@shared/app/support/lots';
import { lotItemsDigest, queryLotBook } from '@shared/store/items/lot';
import { getMember } from '@shared/app/reads/member-reads';
import { DomainError } from '@shared/domain/errors';
import type { LedgerEntry } from '@shared/domain/ledger';
import { effectiveLots, lotExpiresAt } from '@shared/domain/lots';
import { findMember } from '@shared/store/items/member';
import { listLedger } from '@shared/store/queries';
import { earnPoints, enrolMember, redeemPoints, refundOrder } from '../support/use-cases';
import { useFreshTable } from '../support/table';
import { LotsReference } from '../support/lots-reference';

/**
 * The ledger is the truth, through the use cases on DynamoDB Local: random sequences of earns
 * (some reported late, with a 10-day hold), redemptions, refunds, clock moves and runs of the lots'
 * time job. After every step an eager reference is replayed from the member's ledger alone (each
 * credit a lot dated by the program, each debit written to the lots it takes: soonest-expiring
 * first, a refund from its order's lot, an expiry from the lots due), and the stored lots must
 * agree with it lot by lot: credits − debits of each lot = what the lot has left. Σ ledger points
 * = balance + pending, the pending points are the lots not yet available, and a redemption is
 * refused exactly when the reference cannot pay it.
 */
const DAY = 86_400_000;
const RULE = { afterMonths: 1, roundTo: 'day' as const };
const HOLD_DAYS = 10;

beforeAll(async () => {
  await useFreshTable({
    earn: { pointsPerUnit: 1, holdDays: HOLD_DAYS },
    expiry: { ...RULE, remindDays: 5 },
    bonuses: { signup: 50, referrer: 0, referee: 0, birthday: 0 },
    cashback: { holdDays: 0 },
  });
});

type Step =
  | { kind: 'earn'; amount: number; lateDays: number }
  /** `points: 0` spends the whole spendable balance (so a later refund can take it below zero). */
  | { kind: 'redeem'; points: number }
  | { kind: 'refund'; order: number; share: number }
  | { kind: 'wait'; days: number }
  | { kind: 'job' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('earn' as const),
      amount: fc.integer({ min: 100, max: 20_000 }),
      lateDays: fc.constantFrom(0, 0, 3, 12),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      points: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 150 })),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat({ max: 7 }),
      share: fc.integer({ min: 1, max: 4 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 40 }) }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'job' as const }), weight: 2 },
);

const eur = (value: number) => ({ value, currency: 'EUR' });

class Reference extends LotsReference {
  static replay(ledger: readonly LedgerEntry[], now: Date): Reference {
    const reference = new Reference();
    const ordered = [...ledger].sort((a, b) => a.sequence - b.sequence || a.index - b.index);
    for (const entry of ordered) reference.apply(entry);
    reference.settle(now);
    return reference;
  }

  apply(entry: LedgerEntry): void {
    const at = new Date(entry.createdAt);
    this.settle(at);
    if (entry.points > 0) {
      const availableAt = entry.pointsAvailableAt ?? entry.createdAt;
      if (entry.type === 'earn' && entry.occurredAt !== undefined) {
        const endOfHold = Date.parse(entry.occurredAt) + HOLD_DAYS * DAY;
        expect(availableAt).toBe(new Date(Math.max(endOfHold, at.getTime())).toISOString());
      }
      this.lots.push({
        lot: {
          lotId: entry.transactionId,
          ...(entry.type === 'earn' && entry.orderId !== undefined ? { orderId: entry.orderId } : {}),
          points: entry.points,
          remaining: entry.points,
          availableAt,
          expiresAt: lotExpiresAt(availableAt, RULE),
        },
        movements: [entry.points],
        dead: false,
      });
    } else if (entry.type === 'expiry') {
      let expired = 0;
      for (const lot of this.lots) {
        if (lot.dead || Date.parse(lot.lot.expiresAt ?? '9999') > at.getTime()) continue;
        const left = this.left(lot);
        if (left > 0) lot.movements.push(-left);
        expired += left;
        lot.dead = true;
      }
      // Expiry debits only what was left of the lots due.
      expect(entry.points).toBe(-expired);
    } else if (entry.type === 'refund' && entry.orderId !== undefined) {
      const points = -entry.points;
      const own = this.lots.find((lot) => lot.lot.orderId === entry.orderId && !lot.dead);
      const fromOwn = own ? Math.min(this.left(own), points) : 0;
      if (own && fromOwn > 0) own.movements.push(-fromOwn);
      this.debt += this.take(points - fromOwn, at);
    } else if (entry.points < 0) {
      // A redemption never takes the balance below zero.
      expect(this.take(-entry.points, at)).toBe(0);
    }
  }
}

const ledgerOf = async (memberId: string) => (await listLedger(memberId, 1000, undefined)).items;

async function check(memberId: string, now: Date): Promise<void> {
  const view = await getMember(memberId, now);
  const ledger = await ledgerOf(memberId);
  expect(ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(view.points.balance + view.points.pending);
  const reference = Reference.replay(ledger, now);
  expect({ balance: view.points.balance, pending: view.points.pending }).toEqual(reference.totals(now));

  const member = await findMember(memberId);
  const book = member && (await loadLotBook(member));
  expect(book).toBeDefined();
  if (!book || !member.lots) return;
  // The digest the member records is that of its lot items as stored (lots read beside it are taken
  // only when they match it), and the book read beside the member is the one a Query after it reads.
  const queried = await queryLotBook(memberId, member.lots);
  expect(member.lots.digest).toBe(lotItemsDigest(queried.lots, member.lots.expiredThrough));
  expect(book).toEqual(queried);
  const stored = new Map(effectiveLots(book, now).lots.map((lot) => [lot.lotId, lot]));
  for (const lot of stored.values()) {
    expect(lot.remaining).toBeGreaterThanOrEqual(0);
    expect(lot.remaining).toBeLessThanOrEqual(lot.points);
  }
  for (const expected of reference.lots) {
    const lot = stored.get(expected.lot.lotId);
    stored.delete(expected.lot.lotId);
    // A lot spent or taken back whole may be deleted; an expired one is never read again.
    if (expected.dead || (!lot && reference.left(expected) === 0)) {
      if (expected.dead) expect(lot).toBeUndefined();
      continue;
    }
    expect(lot, `lot ${expected.lot.lotId}`).toBeDefined();
    expect(lot).toMatchObject({
      points: expected.lot.points,
      availableAt: expected.lot.availableAt,
      expiresAt: expected.lot.expiresAt,
      effective: reference.left(expected),
    });
  }
  // Every stored lot belongs to a credit of the ledger.
  expect([...stored.keys()]).toEqual([]);
}

describe('points lots through the use cases', () => {
  it('keep every lot, the ledger and the balances in step with an eager reference over random histories', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 12, maxLength: 30 }), async (steps) => {
        run += 1;
        let now = Date.parse('2026-01-01T00:00:00.000Z');
        const caller = () => ({ partnerId: 'p', idempotency: undefined, now: () => new Date(now) });
        const enrolled = await enrolMember({ consent: { marketing: false, analytics: false } }, caller());
        const memberId = (enrolled.body as { memberId: string }).memberId;
        const orders: { orderId: string; amount: number; refunded: number }[] = [];
        for (const [index, next] of steps.entries()) {
          if (next.kind === 'earn') {
            const orderId = `r${run}-o${index}`;
            const occurredAt = new Date(now - next.lateDays * DAY).toISOString();
            await earnPoints(memberId, { orderId, amount: eur(next.amount), occurredAt }, caller());
            orders.push({ orderId, amount: next.amount, refunded: 0 });
          } else if (next.kind === 'redeem') {
            const { balance } = Reference.replay(await ledgerOf(memberId), new Date(now)).totals(new Date(now));
            const points = next.points || balance;
            if (points <= 0) continue;
            const redeemed = redeemPoints(memberId, { points }, caller());
            // Pending points cannot be spent: refused exactly when what is available falls short.
            if (balance >= points) expect((await redeemed).status).toBe(201);
            else await expect(redeemed).rejects.toBeInstanceOf(DomainError);
          } else if (next.kind === 'refund') {
            const order = orders[next.order % Math.max(1, orders.length)];
            const amount = order ? Math.ceil(((order.amount - order.refunded) * next.share) / 4) : 0;
            if (order && amount > 0) {
              await refundOrder(memberId, { orderId: order.orderId, amount: eur(amount) }, caller());
              order.refunded += amount;
            }
          } else if (next.kind === 'wait') {
            now += next.days * DAY;
          } else {
            await runLotTimeEvents(new Date(now));
          }
          await check(memberId, new Date(now));
        }
      }),
      { numRuns: 10, seed: 20260101 },
    );
  }, 600_000);
});

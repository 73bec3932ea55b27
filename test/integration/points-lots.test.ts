import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMember, listTransactions } from '@shared/app/reads/member-reads';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import type { StoreConfig } from '@shared/store/client';
import type { EventType } from '@shared/domain/events';
import { readEventFeed } from '@shared/store/items/event';
import { listLedger } from '@shared/store/queries';
import { findMember } from '@shared/store/items/member';
import { earnPoints, enrolMember, redeemPoints, refundOrder } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * Points lots on DynamoDB Local, through the use cases as the routes answer them, with the clock
 * given to each call (`Caller.now`) and to the time job: pending points (a 14-day hold), lot
 * expiry (3 months, month end), reminders 10 days ahead, refunds of the order's own lot.
 */
let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({
    earn: { pointsPerUnit: 1, holdDays: 14 },
    expiry: { afterMonths: 3, roundTo: 'month', remindDays: 10 },
    bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 },
    cashback: { holdDays: 0 },
  });
});

const at = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });
const eur = (value: number) => ({ value, currency: 'EUR' });

async function enrolledAt(time: string): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
  return (result.body as { memberId: string }).memberId;
}

/** The member as the API shows it at `time`, and the ledger's sum (the truth). */
async function pointsAt(memberId: string, time: string) {
  const view = await getMember(memberId, new Date(time));
  const ledger = (await listLedger(memberId, 100, undefined)).items;
  const sum = ledger.reduce((total, entry) => total + entry.points, 0);
  expect(sum).toBe(view.points.balance + view.points.pending);
  return view.points;
}

/** The member's events, oldest first, page after page. */
async function eventsOf(memberId: string, types?: EventType[]) {
  const events: { type: EventType; data: Record<string, unknown> }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await readEventFeed({
      memberId,
      limit: 100,
      now: new Date('2100-01-01T00:00:00Z'),
      settleMs: 0,
      ...(types ? { types } : {}),
      ...(after ? { after } : {}),
    });
    events.push(...page.items.map((event) => ({ type: event.type, data: event.data })));
    if (page.nextCursor === after) return events;
    after = page.nextCursor;
  }
}

async function lotItems(memberId: string) {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :lot)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}`, ':lot': 'LOT#' },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('points lots', () => {
  it('keeps an earn pending through its hold, spends soonest-expiring first, and refunds pending points first', async () => {
    const memberId = await enrolledAt('2026-01-01T10:00:00.000Z');
    expect(await pointsAt(memberId, '2026-01-01T10:00:00.000Z')).toMatchObject({
      balance: 100,
      pending: 0,
      expiring: [{ points: 100, expiresAt: '2026-04-30T23:59:59.999Z' }],
    });

    const earned = await earnPoints(memberId, { orderId: 'o-1', amount: eur(5_000) }, at('2026-01-10T10:00:00.000Z'));
    expect(earned.status).toBe(201);
    expect(earned.body).toMatchObject({ points: 50, pointsStatus: 'pending', balance: { points: 100 } });
    expect(await pointsAt(memberId, '2026-01-11T00:00:00.000Z')).toMatchObject({ balance: 100, pending: 50 });

    // Pending points cannot be spent.
    await expect(redeemPoints(memberId, { points: 120 }, at('2026-01-11T00:00:00.000Z'))).rejects.toMatchObject({
      code: 'insufficient-points',
    });
    expect((await redeemPoints(memberId, { points: 80 }, at('2026-01-11T00:00:00.000Z'))).status).toBe(201);

    // Half the order back inside its window: its pending points go first, the balance is untouched.
    const refunded = await refundOrder(
      memberId,
      { orderId: 'o-1', amount: eur(2_500) },
      at('2026-01-12T00:00:00.000Z'),
    );
    expect(refunded.status).toBe(201);
    expect(await pointsAt(memberId, '2026-01-12T00:00:00.000Z')).toMatchObject({ balance: 20, pending: 25 });

    // By time alone, on every read: available at occurredAt + 14 days.
    expect(await pointsAt(memberId, '2026-01-24T09:59:59.999Z')).toMatchObject({ balance: 20, pending: 25 });
    expect(await pointsAt(memberId, '2026-01-24T10:00:00.000Z')).toMatchObject({
      balance: 45,
      pending: 0,
      expiring: [{ points: 45, expiresAt: '2026-04-30T23:59:59.999Z' }],
    });
    const ledger = await listTransactions(memberId, { limit: 10 }, new Date('2026-01-24T10:00:00.000Z'));
    expect(ledger.items.find((entry) => entry.type === 'earn')).toMatchObject({ pointsStatus: 'available' });

    // The job announces it, once.
    const announced = await runLotTimeEvents(new Date('2026-01-25T00:00:00.000Z'));
    expect(announced).toMatchObject({ available: 25 });
    expect((await runLotTimeEvents(new Date('2026-01-25T00:00:00.000Z'))).available).toBe(0);

    // A second order, then the reminder, the expiry of what is left of the first lots, a refund of the second.
    await earnPoints(memberId, { orderId: 'o-2', amount: eur(10_000) }, at('2026-02-10T10:00:00.000Z'));
    expect(await pointsAt(memberId, '2026-02-25T00:00:00.000Z')).toMatchObject({
      balance: 145,
      pending: 0,
      expiring: [
        { points: 45, expiresAt: '2026-04-30T23:59:59.999Z' },
        { points: 100, expiresAt: '2026-05-31T23:59:59.999Z' },
      ],
    });
    expect((await runLotTimeEvents(new Date('2026-04-21T00:00:00.000Z'))).reminders).toBe(1);
    expect((await runLotTimeEvents(new Date('2026-04-22T00:00:00.000Z'))).reminders).toBe(0);
    const expired = await runLotTimeEvents(new Date('2026-05-01T00:00:00.000Z'));
    expect(expired.pointsExpired).toBe(45);
    expect(await pointsAt(memberId, '2026-05-01T00:00:00.000Z')).toMatchObject({ balance: 100, pending: 0 });
    await refundOrder(memberId, { orderId: 'o-2', amount: eur(10_000) }, at('2026-05-02T00:00:00.000Z'));
    expect(await pointsAt(memberId, '2026-05-02T00:00:00.000Z')).toMatchObject({
      balance: 0,
      pending: 0,
      expiring: [],
    });

    const events = await eventsOf(memberId);
    expect(events.map((event) => event.type)).toEqual([
      'member.enrolled',
      'points.earned',
      'points.redeemed',
      'points.refunded',
      'points.available',
      'points.earned',
      'points.available',
      'points.expiring',
      'points.expired',
      'points.refunded',
    ]);
    expect(events.find((event) => event.type === 'points.expiring')?.data).toEqual({
      expiresAt: '2026-04-30T23:59:59.999Z',
      points: 45,
    });
    expect(events.find((event) => event.type === 'points.expired')?.data).toMatchObject({
      type: 'expiry',
      points: -45,
      partnerId: 'system:lots',
    });
    // Nothing is left in a lot item: spent and refunded lots are deleted, expired ones are behind the watermark.
    const member = await findMember(memberId);
    expect(member?.points.balance).toBe(0);
    expect(member?.lots).toMatchObject({ owed: 0, expiredThrough: '2026-05-01T00:00:00.000Z' });
    expect((await lotItems(memberId)).every((item) => (item.expiresAt as string) <= '2026-05-01')).toBe(true);
  });

  it('takes back what was already spent of a refunded order from the balance, negative when it must be', async () => {
    const memberId = await enrolledAt('2026-01-01T10:00:00.000Z');
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(20_000) }, at('2026-01-01T11:00:00.000Z'));
    await redeemPoints(memberId, { points: 250 }, at('2026-01-20T00:00:00.000Z'));
    await refundOrder(memberId, { orderId: 'o-1', amount: eur(20_000) }, at('2026-01-21T00:00:00.000Z'));
    expect(await pointsAt(memberId, '2026-01-21T00:00:00.000Z')).toMatchObject({ balance: -150, pending: 0 });
    // The next points to become available pay the debt first.
    await earnPoints(memberId, { orderId: 'o-2', amount: eur(20_000) }, at('2026-01-22T00:00:00.000Z'));
    expect(await pointsAt(memberId, '2026-01-22T00:00:00.000Z')).toMatchObject({ balance: -150, pending: 200 });
    expect(await pointsAt(memberId, '2026-02-05T00:00:00.000Z')).toMatchObject({ balance: 50, pending: 0 });
  });

  it('announces more lots than one transaction holds over several, in the same run, each once', async () => {
    const memberId = await enrolledAt('2026-03-01T00:00:00.000Z');
    const count = 60; // more than the announcements one transaction makes (MAX_ANNOUNCEMENT_ITEMS / 2)
    for (let i = 0; i < count; i += 1)
      await earnPoints(
        memberId,
        { orderId: `b-${i}`, amount: eur(1_000) },
        at(`2026-03-02T00:${String(i).padStart(2, '0')}:00.000Z`),
      );
    await runLotTimeEvents(new Date('2026-03-20T00:00:00.000Z'));
    const available = await eventsOf(memberId, ['points.available']);
    expect(available.map((event) => event.data.orderId)).toEqual(Array.from({ length: count }, (_, i) => `b-${i}`));
    expect((await findMember(memberId))?.lots?.announcedThrough).toBe('2026-03-20T00:00:00.000Z');
    await runLotTimeEvents(new Date('2026-03-21T00:00:00.000Z'));
    expect(await eventsOf(memberId, ['points.available'])).toHaveLength(count);
  }, 120_000);
});

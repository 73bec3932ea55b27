import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceDueTimeChanges } from '@shared/app/jobs/announce-time-changes';
import { useStore, type StoreConfig } from '@shared/store/client';
import { readEventFeed } from '@shared/store/items/event';
import { findMember, memberKey } from '@shared/store/items/member';
import { creditCashback, earnPoints, enrolMember, redeemCashback } from '../support/use-cases';
import { recordingStore, type RecordingStore } from '../support/recording-store';
import { useFreshTable } from '../support/table';

/**
 * The time-changes job on DynamoDB Local: it finds the members through the sparse GSI4 (never a
 * Scan), commits each member's next version with its events in one transaction, and a re-run or
 * a concurrent run emits nothing twice.
 */
let table: StoreConfig;
let recorder: RecordingStore;
beforeAll(async () => {
  table = await useFreshTable({
    cashback: { holdDays: 14 },
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
  });
  recorder = recordingStore(table);
  useStore(recorder);
});

const eur = (value: number) => ({ value, currency: 'EUR' });
const at = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });
const plus = (time: string, days: number, hours = 0) =>
  new Date(Date.parse(time) + days * 86_400_000 + hours * 3_600_000).toISOString();

async function enrolledAt(time: string): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
  return (result.body as { memberId: string }).memberId;
}

async function memberItem(memberId: string) {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: memberKey(memberId), ConsistentRead: true }),
  );
  return Item ?? {};
}

async function eventsOf(memberId: string) {
  const page = await readEventFeed({ memberId, limit: 100, now: new Date('2100-01-01'), settleMs: 0 });
  return page.items.map(({ type, sequence, data, createdAt }) => ({ type, sequence, data, createdAt }));
}

describe('the time-changes job', () => {
  it('announces cashback that became available once, however often and concurrently it runs', async () => {
    const t0 = '2026-03-02T10:00:00.000Z';
    const memberId = await enrolledAt(t0);
    await creditCashback(memberId, { orderId: 'c-1', amount: eur(10_000) }, at(t0));
    const releaseAt = plus(t0, 14);
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `${releaseAt}#${memberId}` });

    // Before the hold ends: the index does not offer the member.
    expect((await announceDueTimeChanges(new Date(plus(t0, 13)))).members).toBe(0);

    const now = new Date(plus(t0, 14, 1));
    const runs = await Promise.all([announceDueTimeChanges(now), announceDueTimeChanges(now)]);
    expect(runs.reduce((sum, run) => sum + (run.events['cashback.available'] ?? 0), 0)).toBe(1);
    expect((await announceDueTimeChanges(now)).members).toBe(0);
    expect((await announceDueTimeChanges(new Date(plus(t0, 30)))).members).toBe(0);

    const available = (await eventsOf(memberId)).filter((event) => event.type === 'cashback.available');
    expect(available).toEqual([
      {
        type: 'cashback.available',
        sequence: expect.any(Number) as number,
        createdAt: now.toISOString(),
        data: {
          orderId: 'c-1',
          cashback: { value: 100, currency: 'EUR', status: 'available' },
          availableAt: releaseAt,
        },
      },
    ]);
    const member = await findMember(memberId);
    expect(member?.cashback).toEqual({ available: 100, pending: [] });
    // Nothing more is coming from the changes (the entry tier cannot drop): the member stays in the
    // index for its enrolment anniversary alone (the anniversary rule, shared/domain/anniversary.ts).
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-03-02T00:00:00.000Z#${memberId}` });
  });

  it('announces a lot that a request settled before the job ran (the write keeps it for the job)', async () => {
    const t0 = '2026-04-01T10:00:00.000Z';
    const memberId = await enrolledAt(t0);
    await creditCashback(memberId, { orderId: 'c-2', amount: eur(10_000) }, at(t0));
    // After the hold, a spend settles the lot on its way: no event from that write…
    await redeemCashback(memberId, { amount: eur(40) }, at(plus(t0, 15)));
    expect((await eventsOf(memberId)).map((event) => event.type)).not.toContain('cashback.available');
    // …and the next run announces it, after the spend in sequence.
    const run = await announceDueTimeChanges(new Date(plus(t0, 15, 1)));
    expect(run.events).toEqual({ 'cashback.available': 1 });
    const types = (await eventsOf(memberId)).map((event) => event.type);
    expect(types.slice(-2)).toEqual(['cashback.redeemed', 'cashback.available']);
  });

  it('announces a tier that drops as old spend leaves the window, once', async () => {
    const t0 = '2026-05-04T10:00:00.000Z';
    const memberId = await enrolledAt(t0);
    await earnPoints(memberId, { orderId: 'big', amount: eur(60_000) }, at(t0));
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-05-04T00:00:00.000Z#${memberId}` });
    // Offered on its review day only, not before (the run the minute before is for the anniversaries
    // of the members enrolled earlier in this file, not for this one).
    const before = await memberItem(memberId);
    await announceDueTimeChanges(new Date('2027-05-03T23:59:00.000Z'));
    expect((await memberItem(memberId)).version).toBe(before.version);
    const now = new Date('2027-05-04T00:30:00.000Z');
    const first = await announceDueTimeChanges(now);
    expect(first.events).toEqual({ 'tier.changed': 1 });
    expect((await announceDueTimeChanges(now)).members).toBe(0);

    const tierEvents = (await eventsOf(memberId)).filter((event) => event.type === 'tier.changed');
    expect(tierEvents.map((event) => event.data)).toEqual([
      { from: 'member', to: 'silver', direction: 'up' },
      { from: 'silver', to: 'member', direction: 'down' },
    ]);
    expect(tierEvents[1]?.createdAt).toBe(now.toISOString());
    // Its first anniversary was handled in the same run: next, the second one.
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2028-05-04T00:00:00.000Z#${memberId}` });
  });

  it('keeps its index key when a purchase only pushes the drop later; the job moves it on without an event', async () => {
    const t0 = '2026-06-01T10:00:00.000Z';
    const memberId = await enrolledAt(t0);
    await earnPoints(memberId, { orderId: 'first', amount: eur(60_000) }, at(t0));
    const firstReview = `2027-06-01T00:00:00.000Z#${memberId}`;
    const indexed = await memberItem(memberId);
    expect(indexed).toMatchObject({ GSI4SK: firstReview, tierMark: { tier: 'silver' } });

    // Ten days on, a purchase that alone keeps silver: the drop moves to 2027-06-11, yet the
    // member's index keys stay as they were (and GSI4 projects only the member id): no index write.
    await earnPoints(memberId, { orderId: 'second', amount: eur(60_000) }, at(plus(t0, 10)));
    const afterEarn = await memberItem(memberId);
    expect(afterEarn.version).toBe(Number(indexed.version) + 1);
    expect(afterEarn.tierMark).toEqual({ tier: 'silver', reviewAt: '2027-06-11T00:00:00.000Z' });
    expect([afterEarn.GSI4PK, afterEarn.GSI4SK]).toEqual([indexed.GSI4PK, firstReview]);

    // At the old review day nothing is due: the job re-keys the member to the real drop, no event.
    const typesBefore = (await eventsOf(memberId)).map((event) => event.type);
    const recheck = await announceDueTimeChanges(new Date('2027-06-01T00:30:00.000Z'));
    expect(recheck).toMatchObject({ members: 1, events: {} });
    expect((await eventsOf(memberId)).map((event) => event.type)).toEqual(typesBefore);
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-06-11T00:00:00.000Z#${memberId}` });
    // Re-keyed: the next run before the drop is not offered the member at all.
    expect((await announceDueTimeChanges(new Date('2027-06-10T23:00:00.000Z'))).candidates).toBe(0);

    // The drop itself is announced on its day, once.
    const drop = await announceDueTimeChanges(new Date('2027-06-11T00:30:00.000Z'));
    expect(drop.events).toEqual({ 'tier.changed': 1 });
    const tierEvents = (await eventsOf(memberId)).filter((event) => event.type === 'tier.changed');
    expect(tierEvents.map((event) => event.data)).toEqual([
      { from: 'member', to: 'silver', direction: 'up' },
      { from: 'silver', to: 'member', direction: 'down' },
    ]);
    // Left for its second anniversary (the first was handled at the old review day).
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2028-06-01T00:00:00.000Z#${memberId}` });
  });

  it('finds the members through the index only: no Scan, one Query per shard', async () => {
    const before = recorder.requests.length;
    await recorder.as('time-job', () => announceDueTimeChanges(new Date('2030-01-01T00:00:00.000Z')));
    const sent = recorder.requests.slice(before);
    expect(sent.filter((request) => request.command.includes('Scan'))).toEqual([]);
    expect(sent.filter((request) => request.resource === 'index/GSI4')).toHaveLength(8);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { earnPoints, enrolMember, redeemPoints } from '../support/use-cases';
import { expireDuePoints } from '@shared/app/jobs/expire-points';
import { findMember } from '@shared/store/items/member';
import { listLedger } from '@shared/store/queries';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { memberKey } from '@shared/store/items/member';
import type { StoreConfig } from '@shared/store/client';
import { useFreshTable } from '../support/table';

let table: StoreConfig;
const noBonuses = { signup: 100, referrer: 0, referee: 0, birthday: 0 };
beforeAll(async () => {
  table = await useFreshTable({ expiry: { inactivityMonths: 1 }, bonuses: noBonuses, cashback: { holdDays: 0 } });
});

const at = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });

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

describe('points expiry', () => {
  it('expires the balance of a member inactive for the program months, once, however often the job runs', async () => {
    const memberId = await enrolledAt('2026-01-10T09:00:00.000Z');
    await earnPoints(
      memberId,
      { orderId: 'o-1', amount: { value: 5_000, currency: 'EUR' } },
      at('2026-01-15T09:00:00.000Z'),
    );
    // Keyed by when the points expire (enrolment + 1 month): a purchase pushing that later leaves the key alone.
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2026-02-10T09:00:00.000Z#${memberId}` });

    await expireDuePoints(new Date('2026-02-15T08:59:59.000Z'));
    expect((await findMember(memberId))?.points.balance).toBe(150);

    const now = new Date('2026-02-15T09:00:00.000Z');
    // Two runs at once (an overlapping schedule) and a third later: the version condition lets one win.
    const runs = await Promise.all([expireDuePoints(now), expireDuePoints(now)]);
    expect(runs.reduce((sum, run) => sum + run.pointsExpired, 0)).toBe(150);
    expect((await expireDuePoints(now)).expired).toBe(0);
    await expireDuePoints(new Date('2026-03-20T00:00:00.000Z'));

    const member = await findMember(memberId);
    expect(member?.points).toEqual({ balance: 0, lifetimeEarned: 150, lifetimeRedeemed: 0 });
    const expiries = (await listLedger(memberId, 25, undefined)).items.filter((entry) => entry.type === 'expiry');
    expect(expiries).toHaveLength(1);
    expect(expiries[0]).toMatchObject({
      points: -150,
      balance: { points: 0 },
      partnerId: 'system:expiry',
      createdAt: now.toISOString(),
    });
    // With nothing left to expire the member is keyed by its other rules only (its anniversary).
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-01-10T00:00:00.000Z#${memberId}` });
  });

  it('lets a purchase restart the clock', async () => {
    const memberId = await enrolledAt('2026-04-01T00:00:00.000Z');
    await earnPoints(
      memberId,
      { orderId: 'o-1', amount: { value: 1_000, currency: 'EUR' } },
      at('2026-04-25T00:00:00.000Z'),
    );
    await expireDuePoints(new Date('2026-05-10T00:00:00.000Z'));
    expect((await findMember(memberId))?.points.balance).toBe(110);
  });

  it('keeps the schedule key on a purchase that pushes expiry later; the job moves it on without expiring', async () => {
    const memberId = await enrolledAt('2026-07-10T09:00:00.000Z');
    await earnPoints(
      memberId,
      { orderId: 'o-1', amount: { value: 1_000, currency: 'EUR' } },
      at('2026-08-20T09:00:00.000Z'),
    );
    // Inactive since 20 August, yet the key keeps 10 August (enrolment + 1 month): a purchase moves it only earlier.
    const indexed = await memberItem(memberId);
    expect(indexed).toMatchObject({ GSI4SK: `2026-08-10T09:00:00.000Z#${memberId}` });

    // Offered by the early key, not due (until 20 September): re-keyed, nothing expired.
    const early = await expireDuePoints(new Date('2026-09-01T00:00:00.000Z'));
    expect(early.candidates).toBeGreaterThanOrEqual(1);
    expect((await findMember(memberId))?.points.balance).toBe(110);
    const rekeyed = await memberItem(memberId);
    expect(rekeyed).toMatchObject({
      GSI4SK: `2026-09-20T09:00:00.000Z#${memberId}`,
      version: Number(indexed.version) + 1,
    });
    expect((await listLedger(memberId, 25, undefined)).items.map((e) => e.type)).toEqual(['earn', 'bonus']);
    // Run again before it is due: right key, nothing written.
    await expireDuePoints(new Date('2026-09-05T00:00:00.000Z'));
    expect((await memberItem(memberId)).version).toBe(rekeyed.version);

    await expireDuePoints(new Date('2026-09-20T09:00:00.000Z'));
    expect((await findMember(memberId))?.points.balance).toBe(0);
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-07-10T00:00:00.000Z#${memberId}` });
  });

  it('expires by calendar months exactly: due on the clamped day, not the day before', async () => {
    // Inactive since 31 March with a one-month period: due on 30 April, not on the 29th.
    const memberId = await enrolledAt('2026-03-31T00:00:00.000Z');
    await expireDuePoints(new Date('2026-04-29T12:00:00.000Z'));
    expect((await findMember(memberId))?.points.balance).toBe(100);
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2026-04-30T00:00:00.000Z#${memberId}` });
    await expireDuePoints(new Date('2026-04-30T00:00:00.000Z'));
    expect((await findMember(memberId))?.points.balance).toBe(0);
  });

  it('leaves members without a positive balance alone: keyed by their other rules only', async () => {
    const memberId = await enrolledAt('2026-05-01T00:00:00.000Z');
    await redeemPoints(memberId, { points: 100 }, at('2026-05-02T00:00:00.000Z'));
    // The key the enrolment's points set stays (a write moves it only earlier)…
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2026-06-01T00:00:00.000Z#${memberId}` });
    await expireDuePoints(new Date('2026-08-01T00:00:00.000Z'));
    const entries = (await listLedger(memberId, 25, undefined)).items;
    expect(entries.map((e) => e.type)).toEqual(['redeem', 'bonus']);
    // …and the job, finding nothing to expire, moves it on to the member's other rules (its anniversary).
    expect(await memberItem(memberId)).toMatchObject({ GSI4SK: `2027-05-01T00:00:00.000Z#${memberId}` });
  });

  it('stops when the function runs out of time, leaving the rest to the next run', async () => {
    const memberId = await enrolledAt('2026-06-01T00:00:00.000Z');
    const now = new Date('2026-07-02T00:00:00.000Z');
    const outOfTime = await expireDuePoints(now, { timeLeft: () => false });
    expect(outOfTime.expired).toBe(0);
    expect((await findMember(memberId))?.points.balance).toBe(100);
    await expireDuePoints(now, { timeLeft: () => true });
    expect((await findMember(memberId))?.points.balance).toBe(0);
  });

  it('expires nothing when the program keeps points forever', async () => {
    await useFreshTable({ expiry: null, bonuses: noBonuses });
    const memberId = await enrolledAt('2020-01-01T00:00:00.000Z');
    const run = await expireDuePoints(new Date('2026-01-01T00:00:00.000Z'));
    expect(run).toMatchObject({ expired: 0, pointsExpired: 0 });
    expect((await findMember(memberId))?.points.balance).toBe(100);
  });
});

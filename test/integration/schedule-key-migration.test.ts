import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expireDuePoints } from '@shared/app/jobs/expire-points';
import { putProgram } from '@shared/app/put-program';
import { executeOnce } from '@shared/app/support/execute';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import { migrateScheduleKeys } from '@shared/app/jobs/schedule-key-migration';
import type { StoreConfig } from '@shared/store/client';
import { findMember, memberKey } from '@shared/store/items/member';
import { findScheduleMigration } from '@shared/store/items/schedule-migration';
import { readProgram } from '@shared/store/program';
import { EXPIRY_SHARDS, shardOf } from '@shared/store/keys';
import { handler as timeJob } from '@functions/time-job';
import { earnPoints, enrolMember } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * The migration onto the one schedule key on DynamoDB Local: members stored in the earlier layout
 * (the points lots' `LOTDUE` item on GSI2, a schedule key that did not count the lots) are found,
 * keyed by when their lots are due and taken off the earlier key; the time job then finds them
 * through the schedule key alone. A second pass changes nothing; a pass out of time goes on from
 * the position it stored.
 */
let table: StoreConfig;
beforeAll(async () => {
  // Instances' program caches: none here, so a pass need not wait them out.
  vi.stubEnv('PROGRAM_CACHE_SECONDS', '0');
  table = await useFreshTable({
    earn: { pointsPerUnit: 1, holdDays: 14 },
    expiry: { afterMonths: 3, roundTo: 'month', remindDays: 10 },
    bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 },
    cashback: { holdDays: 0 },
  });
});

const at = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });
const eur = (value: number) => ({ value, currency: 'EUR' });

async function item(key: { PK: string; SK: string }) {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/**
 * A member with pending points as the earlier layout stored it: the lots' due time on a `LOTDUE`
 * item of GSI2, the schedule key (GSI4) at the member's next anniversary only.
 */
async function earlierLayoutMember(time: string): Promise<{ memberId: string; lotsDueAt: string }> {
  const enrolled = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
  const memberId = (enrolled.body as { memberId: string }).memberId;
  await earnPoints(memberId, { orderId: 'o-1', amount: eur(1_000) }, at(time));
  const stored = await item(memberKey(memberId));
  const lotsDueAt = String((stored?.lots as { dueAt?: string } | undefined)?.dueAt);
  const anniversary = `${Number(time.slice(0, 4)) + 1}${time.slice(4, 10)}T00:00:00.000Z`;
  const shard = shardOf(memberId, EXPIRY_SHARDS);
  await table.client.send(
    new PutCommand({ TableName: table.tableName, Item: { ...stored, GSI4SK: `${anniversary}#${memberId}` } }),
  );
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        PK: `MEMBER#${memberId}`,
        SK: 'LOTDUE',
        entity: 'lot-due',
        memberId,
        dueAt: lotsDueAt,
        GSI2PK: `LOTDUE#${shard}`,
        GSI2SK: `${lotsDueAt}#${memberId}`,
      },
    }),
  );
  return { memberId, lotsDueAt };
}

async function onEarlierKeys(source = 'LOTDUE'): Promise<number> {
  let count = 0;
  for (let shard = 0; shard < EXPIRY_SHARDS; shard += 1) {
    const { Items = [] } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `${source}#${shard}` },
      }),
    );
    count += Items.length;
  }
  return count;
}

describe('the schedule key migration', () => {
  it('moves members off the lots’ earlier key onto the schedule key, once; the job then finds them', async () => {
    const { memberId, lotsDueAt } = await earlierLayoutMember('2026-01-10T09:00:00.000Z');
    expect(lotsDueAt).toBe('2026-01-24T09:00:00.000Z');
    // Before the migration the schedule key does not offer the member when its lots are due.
    expect((await runLotTimeEvents(new Date('2026-01-25T00:00:00.000Z'))).available).toBe(0);

    const first = await migrateScheduleKeys(new Date('2026-01-25T00:00:00.000Z'), { again: true });
    expect(first).toEqual({ found: 1, moved: 1, completed: true });
    expect(await item({ PK: `MEMBER#${memberId}`, SK: 'LOTDUE' })).toBeUndefined();
    const moved = await item(memberKey(memberId));
    expect(moved).toMatchObject({ GSI4SK: `${lotsDueAt}#${memberId}` });

    // A second pass finds nothing and writes nothing.
    expect(await migrateScheduleKeys(new Date('2026-01-25T00:00:00.000Z'), { again: true })).toEqual({
      found: 0,
      moved: 0,
      completed: true,
    });
    expect((await item(memberKey(memberId)))?.version).toBe(moved?.version);

    // Found through the one key: the pending points are announced.
    expect((await runLotTimeEvents(new Date('2026-01-25T00:00:00.000Z'))).available).toBe(10);
    expect((await findMember(memberId))?.lots?.announcedThrough).toBe('2026-01-25T00:00:00.000Z');
  });

  it('goes on from the position it stored when a run is out of time; the time job finishes the pass', async () => {
    const members = await Promise.all(
      ['2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04', '2026-02-05', '2026-02-06'].map((day) =>
        earlierLayoutMember(`${day}T09:00:00.000Z`),
      ),
    );
    expect(await onEarlierKeys()).toBe(members.length);
    // Time for four pages: the first four shards (one page each here), then the run stops.
    let pages = 0;
    const partial = await migrateScheduleKeys(new Date('2026-02-07T00:00:00.000Z'), {
      again: true,
      timeLeft: () => (pages += 1) <= 4,
    });
    const inFirstShards = members.filter(({ memberId }) => shardOf(memberId, EXPIRY_SHARDS) < 4);
    expect(partial).toEqual({ found: inFirstShards.length, moved: inFirstShards.length, completed: false });
    expect((await findScheduleMigration()).position).toMatchObject({
      sources: ['LOTDUE', 'EXPIRY'],
      source: 0,
      shard: 4,
    });
    expect(await onEarlierKeys()).toBe(members.length - inFirstShards.length);
    for (const { memberId, lotsDueAt } of inFirstShards)
      expect(await item(memberKey(memberId))).toMatchObject({ GSI4SK: `${lotsDueAt}#${memberId}` });

    // The time job (any job) goes on with the pass under way before its rules, which then find
    // every member through the schedule key: their pending points are announced.
    await timeJob({ job: 'time-changes' });
    expect(await onEarlierKeys()).toBe(0);
    for (const { memberId } of members) expect((await findMember(memberId))?.lots?.announcedThrough).toBeDefined();
    // Completed: the next runs of the job do not page the earlier keys again.
    expect(await migrateScheduleKeys(new Date('2026-02-07T00:00:00.000Z'))).toEqual({
      found: 0,
      moved: 0,
      completed: true,
    });
  });
});

describe('inactivity expiry on the schedule key', () => {
  const admin = () => ({
    partnerId: 'admin-1',
    idempotency: undefined,
    now: () => new Date('2026-06-01T00:00:00.000Z'),
  });
  const expiryIn = async (inactivityMonths: number) => {
    const { version: _v, updatedAt: _u, ...rules } = (await readProgram()).program;
    await executeOnce(
      putProgram({ ...rules, expiry: { inactivityMonths }, earn: { ...rules.earn, holdDays: 0 } }, {}),
      admin(),
    );
  };

  /** A member with points as the earlier layout stored it: its expiry key on GSI2, its schedule key at its anniversary. */
  async function earlierExpiryMember(time: string): Promise<string> {
    const enrolled = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
    const memberId = (enrolled.body as { memberId: string }).memberId;
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(1_000) }, at(time));
    const stored = await item(memberKey(memberId));
    const anniversary = `${Number(time.slice(0, 4)) + 1}${time.slice(4, 10)}T00:00:00.000Z`;
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...stored,
          GSI2PK: `EXPIRY#${shardOf(memberId, EXPIRY_SHARDS)}`,
          GSI2SK: `${time.slice(0, 7)}#${memberId}`,
          GSI4SK: `${anniversary}#${memberId}`,
        },
      }),
    );
    return memberId;
  }

  it('moves members off the earlier expiry key; found through the one key, their points expire once', async () => {
    await expiryIn(2);
    const memberId = await earlierExpiryMember('2026-06-10T09:00:00.000Z');
    const due = new Date('2026-08-10T09:00:00.000Z');
    // Before the migration the schedule key does not offer the member when its points expire.
    expect((await expireDuePoints(due)).expired).toBe(0);

    const first = await migrateScheduleKeys(due, { again: true });
    expect(first).toMatchObject({ found: 1, moved: 1, completed: true });
    const moved = await item(memberKey(memberId));
    expect(moved).not.toHaveProperty('GSI2PK');
    expect(moved).toMatchObject({ GSI4SK: `2026-08-10T09:00:00.000Z#${memberId}` });
    expect(await onEarlierKeys('EXPIRY')).toBe(0);
    expect(await migrateScheduleKeys(due, { again: true })).toEqual({ found: 0, moved: 0, completed: true });
    expect((await item(memberKey(memberId)))?.version).toBe(moved?.version);

    expect(await expireDuePoints(due)).toMatchObject({ expired: 1, pointsExpired: 10 });
    expect((await expireDuePoints(due)).expired).toBe(0);
    expect((await findMember(memberId))?.points.balance).toBe(0);
  });

  it('re-keys every member when a program brings expiry earlier: it reaches them at the next run', async () => {
    await expiryIn(24);
    const enrolled = await enrolMember(
      { consent: { marketing: false, analytics: false } },
      at('2026-09-01T09:00:00.000Z'),
    );
    const memberId = (enrolled.body as { memberId: string }).memberId;
    await earnPoints(memberId, { orderId: 'o-1', amount: eur(1_000) }, at('2026-09-01T09:00:00.000Z'));
    // Keyed by its anniversary, before its points expire in two years.
    expect(await item(memberKey(memberId))).toMatchObject({ GSI4SK: `2027-09-01T00:00:00.000Z#${memberId}` });
    const now = new Date('2026-11-02T00:00:00.000Z');
    // Expiry came on since the keys were last passed over (the tests above): one pass, then none.
    expect(await migrateScheduleKeys(now)).toMatchObject({ completed: true });
    expect((await findScheduleMigration()).expiryMonths).toBe(24);
    expect(await migrateScheduleKeys(now)).toEqual({ found: 0, moved: 0, completed: true });
    expect(await item(memberKey(memberId))).toMatchObject({ GSI4SK: `2027-09-01T00:00:00.000Z#${memberId}` });

    // Two months now: the next run of the time job re-keys the members, then expires the points due.
    await expiryIn(2);
    const run = (await timeJob({ job: 'expiry' })) as { expired: number };
    expect(run.expired).toBeGreaterThanOrEqual(1);
    expect((await findMember(memberId))?.points.balance).toBe(0);
    expect((await findScheduleMigration()).expiryMonths).toBe(2);
    // Later or off: no pass, the keys are early at worst.
    await expiryIn(6);
    expect(await migrateScheduleKeys(now)).toEqual({ found: 0, moved: 0, completed: true });
    expect((await findScheduleMigration()).expiryMonths).toBe(6);
  });

  it('pages nothing until every instance’s program cache ran out (system clock), then re-keys', async () => {
    await expiryIn(12);
    await migrateScheduleKeys(new Date('2026-12-01T00:00:00.000Z'));
    expect((await findScheduleMigration()).expiryMonths).toBe(12);
    vi.stubEnv('PROGRAM_CACHE_SECONDS', '60');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2030-01-01T00:00:00.000Z'));
      await expiryIn(3);
      const now = new Date('2026-12-01T00:00:00.000Z');
      // Started, not paged: an instance may still key members by 12 months for up to a minute.
      expect(await migrateScheduleKeys(now)).toEqual({ found: 0, moved: 0, completed: false });
      expect((await findScheduleMigration()).position).toMatchObject({
        sources: ['SCHEDULE'],
        notBefore: '2030-01-01T00:01:00.000Z',
        expiryMonths: 3,
      });
      vi.setSystemTime(new Date('2030-01-01T00:01:00.000Z'));
      const run = await migrateScheduleKeys(now);
      expect(run).toMatchObject({ completed: true });
      expect(run.found).toBeGreaterThan(0);
      expect((await findScheduleMigration()).expiryMonths).toBe(3);
    } finally {
      vi.useRealTimers();
      vi.stubEnv('PROGRAM_CACHE_SECONDS', '0');
    }
  });
});

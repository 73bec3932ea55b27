import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { earnPoints, enrolMember, putReward, redeemPoints, redeemReward } from '../support/use-cases';
import { useStore, type StoreConfig } from '@shared/store/client';
import { keepRefusal } from '@shared/app/support/execute';
import { IdempotencyKeyReuseError } from '@shared/store/errors';
import { findMember, memberKey } from '@shared/store/items/member';
import { withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';

let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({
    bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 },
    expiry: { inactivityMonths: 1 },
  });
});

const at = (time: string, key?: string) => ({
  partnerId: 'partner-1',
  idempotency: key ? { scope: 'partner-1', key, requestHash: `hash-of-${key}` } : undefined,
  now: () => new Date(time),
});

async function enrolledAt(time: string): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
  return (result.body as { memberId: string }).memberId;
}

/** The DynamoDB calls `work` makes, by command. */
async function callsOf(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const counted = withFaults(table, []);
  useStore(counted);
  try {
    await work();
  } finally {
    useStore(table);
  }
  return counted.calls;
}

describe('DynamoDB calls per request', () => {
  it('answers a replay from the record its cancelled transaction returns: one read, one write, no lookup', async () => {
    const memberId = await enrolledAt('2026-03-01T10:00:00.000Z');
    const key = randomUUID();
    const first = await redeemPoints(memberId, { points: 10 }, at('2026-03-01T11:00:00.000Z', key));
    let replay: Awaited<ReturnType<typeof redeemPoints>> | undefined;
    const calls = await callsOf(async () => {
      replay = await redeemPoints(memberId, { points: 10 }, at('2026-03-01T11:00:01.000Z', key));
    });
    expect(replay).toEqual({ ...first, replayed: true });
    expect(calls).toEqual({ GetCommand: 1, TransactWriteCommand: 1 });
    expect((await findMember(memberId))?.points.balance).toBe(90);
  });

  it("answers a refusal's replay from the record its failed put returns", async () => {
    const context = { scope: 'partner-1', key: randomUUID(), requestHash: 'h' };
    const now = new Date();
    const refusal = { status: 409, body: { type: 'https://rewards-api.dev/problems/duplicate-order' } };
    expect(await keepRefusal(context, refusal, now)).toEqual({ replayed: false });
    let again: unknown;
    const calls = await callsOf(async () => {
      again = await keepRefusal(context, { status: 409, body: {} }, now);
    });
    expect(again).toEqual({ replayed: true, response: refusal });
    expect(calls).toEqual({ PutCommand: 1 });
    await expect(keepRefusal({ ...context, requestHash: 'other' }, refusal, now)).rejects.toBeInstanceOf(
      IdempotencyKeyReuseError,
    );
  });

  it('reads the reward together with the member: one read call before the write', async () => {
    const now = new Date().toISOString();
    await putReward('mug', { name: 'Mug', pointsCost: 10, stock: 5, active: true }, () => new Date(now));
    const memberId = await enrolledAt(now);
    await redeemReward(memberId, { rewardId: 'mug' }, at(now, randomUUID())); // the program is cached from here
    const calls = await callsOf(() => redeemReward(memberId, { rewardId: 'mug' }, at(now, randomUUID())));
    expect(calls).toEqual({ BatchGetCommand: 1, TransactWriteCommand: 1 });
    expect((await findMember(memberId))?.points.balance).toBe(80);
  });

  it('never moves the member later on the schedule key on a purchase (the time job does)', async () => {
    // Points expire 1 month after the last purchase here (the table's program), before the anniversary.
    const memberId = await enrolledAt('2026-03-02T10:00:00.000Z');
    const indexKey = async () => {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: memberKey(memberId), ConsistentRead: true }),
      );
      return Item?.GSI4SK as string | undefined;
    };
    expect(await indexKey()).toBe(`2026-04-02T10:00:00.000Z#${memberId}`);
    for (const day of ['05', '17', '31'])
      await earnPoints(
        memberId,
        { orderId: `o-${day}`, amount: { value: 1_000, currency: 'EUR' } },
        at(`2026-03-${day}T10:00:00.000Z`),
      );
    // Each purchase pushes expiry later: the key stays where it was (an early key only makes the job look sooner).
    expect(await indexKey()).toBe(`2026-04-02T10:00:00.000Z#${memberId}`);
  });
});

import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Caller, earnPoints, enrolMember, redeemPoints } from '../support/use-cases';
import { findMember } from '@shared/store/items/member';
import { listLedger } from '@shared/store/queries';
import { requestHash } from '@shared/http/request';
import { useStore, type StoreConfig } from '@shared/store/client';
import { IdempotencyKeyReuseError, StorageBusyError } from '@shared/store/errors';
import { idempotencyKey } from '@shared/store/idempotency';
import { referralCodeKey } from '@shared/store/items/referral-code';
import { memberPartition } from '@shared/store/keys';
import { retryPolicy } from '@shared/store/retry';
import { throttled, transactionConflict, withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';

let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});

function caller(key?: string, body: unknown = {}, now = () => new Date()): Caller {
  return {
    partnerId: 'partner-1',
    now,
    idempotency: key ? { scope: 'partner-1', key, requestHash: requestHash('POST', '/test', body) } : undefined,
  };
}

async function enrol(): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, caller(randomUUID()));
  return (result.body as { memberId: string }).memberId;
}

async function ledgerOf(memberId: string) {
  const page = await listLedger(memberId, 100, undefined);
  return page.items;
}

async function expectLedgerMatchesBalance(memberId: string) {
  const member = await findMember(memberId);
  const entries = await ledgerOf(memberId);
  expect(entries.reduce((sum, e) => sum + e.points, 0)).toBe(member?.points.balance);
  return member;
}

describe('the points ledger on DynamoDB Local', () => {
  it('enrols with the sign-up bonus in the same write', async () => {
    const memberId = await enrol();
    const member = await expectLedgerMatchesBalance(memberId);
    expect(member?.points.balance).toBe(100);
    expect(member?.version).toBe(1);
  });

  it('keeps the member item, written by every use case, off the activity index; the enrolment reaches it once', async () => {
    const memberId = await enrol();
    const { Items = [] } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
      }),
    );
    const profile = Items.find((item) => item.entity === 'member');
    expect(profile?.GSI1PK).toBeUndefined();
    expect(profile?.GSI2PK).toBeUndefined();
    expect(profile?.GSI4PK).toEqual(expect.stringMatching(/^TIMECHANGE#/));
    const code = (await findMember(memberId))?.referralCode ?? '';
    const { Item: claim } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: referralCodeKey(code) }),
    );
    expect(claim).toMatchObject({ memberId, GSI1PK: expect.stringMatching(/^RECORDED#/) as unknown });
  });

  it('earns once per order: a second earn for the same order is a duplicate', async () => {
    const memberId = await enrol();
    const purchase = { orderId: 'order-1', amount: { value: 5050, currency: 'EUR' } };
    const first = await earnPoints(memberId, purchase, caller(randomUUID()));
    expect(first).toMatchObject({
      status: 201,
      replayed: false,
      body: { type: 'earn', points: 50, orderId: 'order-1', amount: { value: 5050, currency: 'EUR' } },
    });
    await expect(earnPoints(memberId, purchase, caller(randomUUID()))).rejects.toMatchObject({
      code: 'duplicate-order',
    });
    const member = await expectLedgerMatchesBalance(memberId);
    expect(member?.purchases.count).toBe(1);
  });

  it('answers a repeated idempotency key with the first response and applies nothing twice', async () => {
    const memberId = await enrol();
    const key = randomUUID();
    const first = await redeemPoints(memberId, { points: 10 }, caller(key, { points: 10 }));
    const again = await redeemPoints(memberId, { points: 10 }, caller(key, { points: 10 }));
    expect(again.replayed).toBe(true);
    expect(again.body).toEqual(first.body);
    expect((await findMember(memberId))?.points.balance).toBe(90);
  });

  it('refuses an idempotency key reused for a different request', async () => {
    const memberId = await enrol();
    const key = randomUUID();
    await redeemPoints(memberId, { points: 1 }, caller(key, { points: 1 }));
    await expect(redeemPoints(memberId, { points: 2 }, caller(key, { points: 2 }))).rejects.toBeInstanceOf(
      IdempotencyKeyReuseError,
    );
    expect((await findMember(memberId))?.points.balance).toBe(99);
  });

  it('treats an expired idempotency record as absent, even before DynamoDB deletes it', async () => {
    const memberId = await enrol();
    const key = randomUUID();
    const context = caller(key, { points: 5 });
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...idempotencyKey('partner-1', key),
          entity: 'idempotency',
          requestHash: context.idempotency?.requestHash,
          response: { status: 201, body: { stale: true } },
          ttl: Math.floor(Date.now() / 1000) - 1,
        },
      }),
    );
    const result = await redeemPoints(memberId, { points: 5 }, context);
    expect(result.replayed).toBe(false);
    expect((await findMember(memberId))?.points.balance).toBe(95);
  });

  it('lets exactly N of 2N concurrent 1-point redeems through on a balance of N', async () => {
    const memberId = await enrol(); // 100 points
    await redeemPoints(memberId, { points: 90 }, caller(randomUUID()));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => redeemPoints(memberId, { points: 1 }, caller(randomUUID()))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refusals.map((r) => (r.reason as { code?: string }).code)).toEqual(Array(10).fill('insufficient-points'));
    const member = await expectLedgerMatchesBalance(memberId);
    expect(member?.points.balance).toBe(0);
  });

  it('applies one of 20 concurrent calls that share an idempotency key', async () => {
    const memberId = await enrol();
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => redeemPoints(memberId, { points: 3 }, caller(key, { points: 3 }))),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const result of results) expect(result.body).toEqual(results[0]?.body);
    expect((await ledgerOf(memberId)).filter((e) => e.type === 'redeem')).toHaveLength(1);
    await expectLedgerMatchesBalance(memberId);
  });
});

describe('faults real DynamoDB raises and DynamoDB Local does not', () => {
  it('retries a TransactionConflict and commits once', async () => {
    const memberId = await enrol();
    const faulty = withFaults(table, [
      { command: 'TransactWriteCommand', count: 2, error: () => transactionConflict() },
    ]);
    useStore(faulty);
    try {
      const result = await redeemPoints(memberId, { points: 7 }, caller(randomUUID()));
      expect(result.status).toBe(201);
      expect(faulty.injected).toBe(2);
    } finally {
      useStore(table);
    }
    expect((await ledgerOf(memberId)).filter((e) => e.type === 'redeem')).toHaveLength(1);
    await expectLedgerMatchesBalance(memberId);
  });

  it('gives up after a bounded number of conflicts with a retryable storage-busy error, having written nothing', async () => {
    const memberId = await enrol();
    const faulty = withFaults(table, [
      { command: 'TransactWriteCommand', count: 100, error: () => transactionConflict() },
    ]);
    useStore(faulty);
    try {
      const error = await redeemPoints(memberId, { points: 7 }, caller(randomUUID())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageBusyError);
      expect((error as StorageBusyError).retryAfterSeconds).toBeGreaterThan(0);
      expect(faulty.injected).toBe(retryPolicy.maxConflictRetries + 1);
    } finally {
      useStore(table);
    }
    expect((await findMember(memberId))?.points.balance).toBe(100);
  });

  it('surfaces throttling that outlasts the SDK retries as storage-busy', async () => {
    const memberId = await enrol();
    const faulty = withFaults(table, [{ command: 'GetCommand', count: 1, error: throttled }]);
    useStore(faulty);
    try {
      await expect(redeemPoints(memberId, { points: 1 }, caller(randomUUID()))).rejects.toMatchObject({
        name: 'ThrottlingException',
      });
    } finally {
      useStore(table);
    }
    const items = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
      }),
    );
    expect(items.Items?.filter((i) => i.entity === 'ledger')).toHaveLength(1);
  });
});

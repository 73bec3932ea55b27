import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustBalance } from '@shared/app/adjust-balance';
import { exportMember, findMembers, getTransaction } from '@shared/app/reads/member-reads';
import { previewEarn } from '@shared/app/reads/preview-earn';
import { updateMember } from '@shared/app/update-member';
import { DomainError } from '@shared/domain/errors';
import type { MemberPatch } from '@shared/domain/member-patch';
import { toProblem } from '@shared/http/problems';
import type { StoreConfig } from '@shared/store/client';
import { eur } from '../support/money';
import { useFreshTable } from '../support/table';
import { earnPoints, enrolMember, eraseMember, type Caller, respond } from '../support/use-cases';

const T0 = Date.parse('2026-06-01T09:00:00.000Z');
const at = (minutes: number, partnerId = 'partner-1'): Caller => ({
  partnerId,
  idempotency: undefined,
  now: () => new Date(T0 + minutes * 60_000),
});
const consent = { marketing: true, analytics: false };

let store: StoreConfig;
beforeAll(async () => {
  store = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});

async function enrol(profile: { externalId?: string; email?: string; name?: string }): Promise<string> {
  const enrolled = await enrolMember({ ...profile, consent }, at(0));
  expect(enrolled.status).toBe(201);
  return (enrolled.body as { memberId: string }).memberId;
}
const patch = (memberId: string, body: MemberPatch, caller = at(1)) =>
  respond('updateMember', updateMember(memberId, body), caller);
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  return toProblem(error).problem;
};
const ids = async (filter: { externalId?: string; email?: string }) =>
  (await findMembers(filter, new Date(T0))).items.map((member) => member.memberId);
const claimItem = async (key: string) =>
  (await store.client.send(new GetCommand({ TableName: store.tableName, Key: { PK: key, SK: key.split('#')[0] } })))
    .Item;

describe('lookup by external id and email', () => {
  it('finds a member by external id, and by email whatever its case', async () => {
    const memberId = await enrol({ externalId: 'crm-look-1', email: 'Grace.Hopper@Example.com' });
    expect(await ids({ externalId: 'crm-look-1' })).toEqual([memberId]);
    expect(await ids({ email: 'grace.hopper@example.COM' })).toEqual([memberId]);
    expect(await ids({ externalId: 'crm-nobody' })).toEqual([]);
    expect(await ids({ email: 'nobody@example.com' })).toEqual([]);
  });

  it('finds every member that shares an email', async () => {
    const first = await enrol({ email: 'family@example.com' });
    const second = await enrol({ email: 'FAMILY@example.com' });
    expect(await ids({ email: 'Family@Example.com' })).toEqual([first, second].sort());
  });
});

describe('an external id is taken', () => {
  it('refuses the enrolment naming the member that holds it', async () => {
    const holder = await enrol({ externalId: 'crm-taken' });
    const problem = await refusal(enrolMember({ externalId: 'crm-taken', consent }, at(2)));
    expect(problem).toMatchObject({ status: 409, memberId: holder });
    expect(problem.type).toMatch(/external-id-taken$/);
  });
});

describe('PATCH', () => {
  it('moves the external id and email claims in the same write, and null removes a field', async () => {
    const memberId = await enrol({ externalId: 'crm-p-1', email: 'old@example.com', name: 'Ada' });
    const answered = await patch(memberId, { externalId: 'crm-p-2', email: 'New@Example.com', name: null });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ memberId, externalId: 'crm-p-2', email: 'New@Example.com' });
    expect(answered.body).not.toHaveProperty('name');
    expect(await ids({ externalId: 'crm-p-1' })).toEqual([]);
    expect(await ids({ externalId: 'crm-p-2' })).toEqual([memberId]);
    expect(await ids({ email: 'old@example.com' })).toEqual([]);
    expect(await ids({ email: 'new@example.com' })).toEqual([memberId]);
    // The last holder of an address deletes its claim: the address is not left in the table.
    expect(await claimItem('EMAIL#old@example.com')).toBeUndefined();
  });

  it('refuses a taken external id naming its holder, and changes nothing', async () => {
    const holder = await enrol({ externalId: 'crm-p-held' });
    const memberId = await enrol({ externalId: 'crm-p-mine', email: 'mine@example.com' });
    const problem = await refusal(patch(memberId, { externalId: 'crm-p-held', email: 'other@example.com' }));
    expect(problem).toMatchObject({ status: 409, memberId: holder });
    expect(await ids({ externalId: 'crm-p-mine' })).toEqual([memberId]);
    expect(await ids({ email: 'mine@example.com' })).toEqual([memberId]);
    expect(await ids({ email: 'other@example.com' })).toEqual([]);
  });

  it('records consent changes with time and partner and shows them in the export', async () => {
    const memberId = await enrol({ name: 'Consenting' });
    await patch(memberId, { consent: { marketing: false } }, at(5, 'shop'));
    await patch(memberId, { consent: { analytics: true } }, at(6, 'app'));
    await patch(memberId, { consent: { analytics: true } }, at(7, 'app'));
    const exported = await exportMember(memberId, new Date(T0 + 10 * 60_000));
    expect(exported.member.consent).toEqual({ marketing: false, analytics: true });
    expect(exported.consentHistory).toEqual([
      {
        changedAt: new Date(T0 + 5 * 60_000).toISOString(),
        partnerId: 'shop',
        from: { marketing: true, analytics: false },
        to: { marketing: false, analytics: false },
      },
      {
        changedAt: new Date(T0 + 6 * 60_000).toISOString(),
        partnerId: 'app',
        from: { marketing: false, analytics: false },
        to: { marketing: false, analytics: true },
      },
    ]);
  });

  it('writes nothing for a patch that changes nothing', async () => {
    const memberId = await enrol({ name: 'Same' });
    const before = await store.client.send(
      new GetCommand({ TableName: store.tableName, Key: { PK: `MEMBER#${memberId}`, SK: 'PROFILE' } }),
    );
    await patch(memberId, { name: 'Same', consent: { marketing: true } });
    const after = await store.client.send(
      new GetCommand({ TableName: store.tableName, Key: { PK: `MEMBER#${memberId}`, SK: 'PROFILE' } }),
    );
    expect(after.Item?.version).toBe(before.Item?.version);
  });

  it('erasure takes the member off both claims', async () => {
    const memberId = await enrol({ externalId: 'crm-erase-claims', email: 'erase-me@example.com' });
    await eraseMember(memberId, at(3));
    expect(await ids({ externalId: 'crm-erase-claims' })).toEqual([]);
    expect(await ids({ email: 'erase-me@example.com' })).toEqual([]);
    expect(await claimItem('EMAIL#erase-me@example.com')).toBeUndefined();
  });
});

describe('one transaction by id', () => {
  it("answers the member's entry and 404s another member's or an unknown id", async () => {
    const memberId = await enrol({});
    const other = await enrol({});
    const earned = await earnPoints(memberId, { orderId: 'tx-1', amount: eur(2_000) }, at(1));
    const transactionId = (earned.body as { transactionId: string }).transactionId;
    expect(await getTransaction(memberId, transactionId, new Date(T0))).toMatchObject({
      transactionId,
      type: 'earn',
      orderId: 'tx-1',
    });
    for (const [owner, id] of [
      [other, transactionId],
      [memberId, 'txn_unknown'],
    ] as const)
      expect((await refusal(getTransaction(owner, id, new Date(T0)))).status).toBe(404);
  });
});

describe('adjustments', () => {
  const adjust = (memberId: string, body: Parameters<typeof adjustBalance>[1], caller = at(2, 'desk')) =>
    respond('adjustBalance', adjustBalance(memberId, body), caller);

  it('posts one adjustment entry with its reason, reference and partner', async () => {
    const memberId = await enrol({});
    const answered = await adjust(memberId, {
      points: 250,
      cashback: eur(300),
      reason: 'goodwill',
      reference: 'T-1',
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({
      type: 'adjustment',
      points: 250,
      cashback: { value: 300, currency: 'EUR', status: 'available' },
      reason: 'goodwill',
      reference: 'T-1',
      partnerId: 'desk',
      balance: { points: 350, cashbackAvailable: 300 },
    });
    const debit = await adjust(memberId, { points: -350, cashback: eur(-300), reason: 'correction' });
    expect(debit.body).toMatchObject({ points: -350, balance: { points: 0, cashbackAvailable: 0 } });
  });

  it('never takes a balance below zero, and writes nothing when refused', async () => {
    const memberId = await enrol({});
    expect((await refusal(adjust(memberId, { points: -101, reason: 'too much' }))).type).toMatch(
      /insufficient-points$/,
    );
    expect((await refusal(adjust(memberId, { cashback: eur(-1), reason: 'too much' }))).type).toMatch(
      /insufficient-cashback$/,
    );
    const ledger = await store.client.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tx)',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}`, ':tx': 'TX#' },
      }),
    );
    expect(ledger.Items?.map((item) => String(item.type))).toEqual(['bonus']);
  });

  it('counts credits against the partner’s budget of its UTC day: the next day has a budget again', async () => {
    const saved = process.env.ADJUSTMENT_DAILY_POINTS_CAP;
    process.env.ADJUSTMENT_DAILY_POINTS_CAP = '500';
    try {
      const memberId = await enrol({});
      // T0 is 09:00 UTC; 14:59 later is 23:59 of the same day, 15:00 later the next day's 00:00.
      const lastMinute = at(14 * 60 + 59, 'night-desk');
      const nextDay = at(15 * 60, 'night-desk');
      expect((await adjust(memberId, { points: 500, reason: 'goodwill' }, lastMinute)).status).toBe(201);
      expect((await refusal(adjust(memberId, { points: 1, reason: 'goodwill' }, lastMinute))).type).toMatch(
        /adjustment-budget-exceeded$/,
      );
      expect((await adjust(memberId, { points: 500, reason: 'goodwill' }, nextDay)).status).toBe(201);
      const budgets = await Promise.all(
        ['2026-06-01', '2026-06-02'].map((day) =>
          store.client.send(
            new GetCommand({ TableName: store.tableName, Key: { PK: `ADJUSTBUDGET#night-desk#${day}`, SK: 'BUDGET' } }),
          ),
        ),
      );
      expect(budgets.map((budget) => budget.Item?.credited)).toEqual([500, 500]);
      // Kept two days after its day, then removed by DynamoDB's TTL.
      expect(budgets[0]?.Item?.ttl).toBe(Date.parse('2026-06-03T00:00:00Z') / 1000);
    } finally {
      if (saved === undefined) delete process.env.ADJUSTMENT_DAILY_POINTS_CAP;
      else process.env.ADJUSTMENT_DAILY_POINTS_CAP = saved;
    }
  });
});

describe('earn preview', () => {
  it('answers what the earn then credits, and writes nothing', async () => {
    const memberId = await enrol({});
    const purchase = { orderId: 'prev-1', amount: eur(12_345) };
    const partition = async () =>
      (
        await store.client.send(
          new QueryCommand({
            TableName: store.tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}` },
          }),
        )
      ).Items;
    const before = await partition();
    const preview = await previewEarn(memberId, purchase, new Date(T0 + 60_000));
    expect(await partition()).toEqual(before);
    const earned = await earnPoints(memberId, purchase, at(1));
    expect(earned.body).toMatchObject({ points: preview.points, breakdown: preview.breakdown });
    expect(preview.tier.id).toEqual(expect.any(String));
    expect(preview.cashback.currency).toBe('EUR');
    // The same rules refuse alike: the order has earned now.
    expect((await refusal(previewEarn(memberId, purchase, new Date(T0 + 120_000)))).status).toBe(409);
  });
});

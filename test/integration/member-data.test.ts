import { beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import {
  answerNps,
  type Caller,
  earnPoints,
  enrolMember,
  eraseMember,
  redeemPoints,
  takeSnapshot,
} from '../support/use-cases';
import { exportMember } from '@shared/app/reads/member-reads';
import { findMember } from '@shared/store/items/member';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import type { StoreConfig } from '@shared/store/client';
import { useFreshTable } from '../support/table';

const at = (time: string | number): Caller => ({
  partnerId: 'partner-1',
  idempotency: undefined,
  now: () => new Date(time),
});
const T0 = Date.parse('2026-06-01T09:00:00.000Z');
const minutes = (n: number) => T0 + n * 60_000;

let store: StoreConfig;
beforeAll(async () => {
  store = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});

async function enrolPerson(externalId: string): Promise<string> {
  const enrolled = await enrolMember(
    {
      externalId,
      email: `${externalId}@example.com`,
      name: 'Ada Lovelace',
      birthday: '1990-12-10',
      consent: { marketing: true, analytics: true },
    },
    at(T0),
  );
  return (enrolled.body as { memberId: string }).memberId;
}

async function partition(memberId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await store.client.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}` },
    }),
  );
  return Items;
}

describe('the right of access', () => {
  it('exports the profile, consent, the whole ledger, the orders and the survey answers', async () => {
    const memberId = await enrolPerson('crm-export');
    await earnPoints(
      memberId,
      { orderId: 'o-1', amount: eur(4_250), occurredAt: new Date(minutes(1)).toISOString() },
      at(minutes(1)),
    );
    await redeemPoints(memberId, { points: 30 }, at(minutes(2)));
    await answerNps(memberId, { score: 8, comment: 'friendly staff' }, at(minutes(3)));
    await answerNps(memberId, { score: 9 }, at(minutes(4)));

    const exported = await exportMember(memberId, new Date(minutes(5)));
    expect(exported.member).toMatchObject({
      memberId,
      status: 'active',
      externalId: 'crm-export',
      email: 'crm-export@example.com',
      name: 'Ada Lovelace',
      birthday: '1990-12-10',
      consent: { marketing: true, analytics: true },
      points: { balance: 112 },
    });
    expect(exported.transactions.map((t) => [t.type, t.points])).toEqual([
      ['redeem', -30],
      ['earn', 42],
      ['bonus', 100],
    ]);
    expect(exported.orders).toEqual([
      { orderId: 'o-1', amount: eur(4_250), refunded: eur(0), occurredAt: new Date(minutes(1)).toISOString() },
    ]);
    expect(exported.npsAnswers).toEqual([
      { score: 8, answeredAt: new Date(minutes(3)).toISOString(), comment: 'friendly staff' },
      { score: 9, answeredAt: new Date(minutes(4)).toISOString() },
    ]);
  });
});

describe('erasure', () => {
  const window = { from: '2026-05-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' };
  let memberId: string;
  let before: Record<string, unknown>;

  beforeAll(async () => {
    memberId = await enrolPerson('crm-erase');
    await earnPoints(
      memberId,
      { orderId: 'o-9', amount: eur(9_000), occurredAt: new Date(minutes(10)).toISOString() },
      at(minutes(10)),
    );
    // More answers with comments than one transaction can hold (100 items).
    for (let i = 0; i < 150; i += 1)
      await answerNps(memberId, { score: i % 11, comment: `comment ${i} from Ada` }, at(minutes(20) + i * 1_000));
    const {
      snapshotId: _id,
      computedAt: _at,
      ...measures
    } = (await takeSnapshot({ window }, at(minutes(60)))).body as Record<string, unknown>;
    before = measures;
    const erased = await eraseMember(memberId, at(minutes(61)));
    expect(erased.status).toBe(204);
  });

  it('removes the personal data from the member item for good, keeping the balances', async () => {
    const member = await findMember(memberId);
    expect(member).toMatchObject({
      status: 'erased',
      profile: {},
      consent: { marketing: false, analytics: false },
      erasedAt: new Date(minutes(61)).toISOString(),
      points: { balance: 190 },
    });
    expect(JSON.stringify(member)).not.toMatch(/Ada|crm-erase|example\.com|1990/);
  });

  it('removes every survey comment, even more than a transaction holds, and keeps the scores', async () => {
    const answers = (await partition(memberId)).filter((item) => item.entity === 'nps');
    expect(answers).toHaveLength(150);
    expect(answers.filter((answer) => 'comment' in answer)).toEqual([]);
    expect(answers.every((answer) => typeof answer.score === 'number')).toBe(true);
  });

  it("leaves nothing in the member's partition that names the person, and frees the external id", async () => {
    expect(JSON.stringify(await partition(memberId))).not.toMatch(/Ada|crm-erase|example\.com|1990-12-10/);
    const again = await enrolMember(
      { externalId: 'crm-erase', consent: { marketing: false, analytics: false } },
      at(minutes(70)),
    );
    expect(again.status).toBe(201);
  });

  it('answers member-erased to the export and to every later call', async () => {
    const erased: unknown = expect.objectContaining({ code: 'member-erased' });
    await expect(exportMember(memberId, new Date(minutes(62)))).rejects.toThrow(DomainError);
    await expect(exportMember(memberId, new Date(minutes(62)))).rejects.toEqual(erased);
    await expect(answerNps(memberId, { score: 10, comment: 'back again' }, at(minutes(63)))).rejects.toEqual(erased);
    await expect(earnPoints(memberId, { orderId: 'o-10', amount: eur(100) }, at(minutes(63)))).rejects.toEqual(erased);
    await expect(eraseMember(memberId, at(minutes(64)))).rejects.toEqual(erased);
  });

  it('leaves the snapshot totals exactly as they were', async () => {
    const {
      snapshotId: _id,
      computedAt: _at,
      ...after
    } = (await takeSnapshot({ window }, at(minutes(65)))).body as Record<string, unknown>;
    expect(after).toEqual(before);
  });
});

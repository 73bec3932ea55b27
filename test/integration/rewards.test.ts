import { beforeAll, describe, expect, it } from 'vitest';
import { earnPoints, enrolMember, putReward, redeemReward, type RewardTerms } from '../support/use-cases';
import { findMember } from '@shared/store/items/member';
import { listLedger } from '@shared/store/queries';
import { findReward } from '@shared/store/items/reward';
import { listRewards } from '@shared/app/reads/catalog-reads';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { rewardKey } from '@shared/store/items/reward';
import { useStore, type StoreConfig } from '@shared/store/client';
import { transactionConflict, withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';

let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});

const clock = () => new Date();
const caller = { partnerId: 'partner-1', idempotency: undefined, now: clock };
const terms = (overrides: Partial<RewardTerms> = {}): RewardTerms => ({
  name: 'Espresso cup',
  pointsCost: 40,
  active: true,
  ...overrides,
});
let rewardCount = 0;
const newRewardId = () => `reward-${++rewardCount}`;

async function enrolled(): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, caller);
  return (result.body as { memberId: string }).memberId;
}

describe('the rewards catalog', () => {
  it('creates a reward (201), then replaces it whole (200)', async () => {
    const rewardId = newRewardId();
    const created = await putReward(rewardId, terms({ stock: 5 }), clock);
    expect(created).toMatchObject({
      status: 201,
      body: { rewardId, name: 'Espresso cup', pointsCost: 40, stock: 5, active: true },
    });
    expect(created.body).not.toHaveProperty('revision');
    const replaced = await putReward(rewardId, terms({ name: 'Big cup', pointsCost: 60 }), clock);
    expect(replaced).toMatchObject({ status: 200, body: { rewardId, name: 'Big cup', pointsCost: 60 } });
    expect(replaced.body).not.toHaveProperty('stock');
    expect(await findReward(rewardId)).toMatchObject({ name: 'Big cup', revision: 2 });
    expect(await findReward(rewardId)).not.toHaveProperty('stock');
  });

  it('refuses a minTier the program does not have', async () => {
    await expect(putReward(newRewardId(), terms({ minTier: 'platinum' }), clock)).rejects.toMatchObject({
      code: 'unknown-tier',
      errors: [expect.objectContaining({ path: 'body.minTier' })],
    });
  });

  it('lists only rewards available now, page by page, with a cursor', async () => {
    await useFreshTable();
    const now = new Date();
    const hour = 3_600_000;
    await putReward('a-open', terms(), clock);
    await putReward('b-hidden', terms({ active: false }), clock);
    await putReward('c-future', terms({ availableFrom: new Date(now.getTime() + hour).toISOString() }), clock);
    await putReward(
      'd-past',
      terms({
        availableFrom: new Date(now.getTime() - 2 * hour).toISOString(),
        availableTo: new Date(now.getTime() - hour).toISOString(),
      }),
      clock,
    );
    await putReward(
      'e-window',
      terms({
        availableFrom: new Date(now.getTime() - hour).toISOString(),
        availableTo: new Date(now.getTime() + hour).toISOString(),
      }),
      clock,
    );
    await putReward('f-sold-out', terms({ stock: 0 }), clock);
    const first = await listRewards(2, undefined, now);
    expect(first.items.map((r) => r.rewardId)).toEqual(['a-open', 'e-window']);
    expect(first.nextCursor).toBeDefined();
    const second = await listRewards(2, first.nextCursor, now);
    expect(second.items.map((r) => r.rewardId)).toEqual(['f-sold-out']);
    expect(second.nextCursor).toBeUndefined();
    expect((await listRewards(25, undefined, now)).items).toHaveLength(3);
    table = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
  });
});

describe('redeeming a reward', () => {
  it('takes its cost and one unit of stock in the same write, and the ledger entry names the reward', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms({ stock: 3 }), clock);
    const memberId = await enrolled();
    const redeemed = await redeemReward(memberId, { rewardId, orderId: 'till-1:7' }, caller);
    expect(redeemed).toMatchObject({
      status: 201,
      body: { type: 'redeem', points: -40, rewardId, orderId: 'till-1:7', balance: { points: 60 } },
    });
    expect((await findReward(rewardId))?.stock).toBe(2);
    expect((await findMember(memberId))?.points).toEqual({ balance: 60, lifetimeEarned: 100, lifetimeRedeemed: 40 });
    expect((await listLedger(memberId, 10, undefined)).items[0]).toMatchObject({ type: 'redeem', rewardId });
  });

  it('gives a reward with stock 2 to exactly 2 of 3 members redeeming at once', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms({ stock: 2 }), clock);
    const members = await Promise.all([enrolled(), enrolled(), enrolled()]);
    const results = await Promise.allSettled(members.map((memberId) => redeemReward(memberId, { rewardId }, caller)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(2);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'reward-out-of-stock' });
    expect((await findReward(rewardId))?.stock).toBe(0);
    const balances = await Promise.all(
      members.map(async (memberId) => (await findMember(memberId))?.points.balance ?? -1),
    );
    expect(balances.sort((a, b) => a - b)).toEqual([60, 60, 100]);
  });

  it('refuses an unknown reward', async () => {
    await expect(redeemReward(await enrolled(), { rewardId: 'no-such-reward' }, caller)).rejects.toMatchObject({
      code: 'reward-not-found',
    });
  });

  it('refuses a reward outside its availability window or switched off', async () => {
    const memberId = await enrolled();
    const later = newRewardId();
    await putReward(later, terms({ availableFrom: new Date(Date.now() + 3_600_000).toISOString() }), clock);
    await expect(redeemReward(memberId, { rewardId: later }, caller)).rejects.toMatchObject({
      code: 'reward-not-available',
    });
    const off = newRewardId();
    await putReward(off, terms({ active: false }), clock);
    await expect(redeemReward(memberId, { rewardId: off }, caller)).rejects.toMatchObject({
      code: 'reward-not-available',
    });
    expect((await findMember(memberId))?.points.balance).toBe(100);
  });

  it('keeps an early-access reward for members of its tier and above', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms({ minTier: 'silver', stock: 10 }), clock);
    const memberId = await enrolled();
    await expect(redeemReward(memberId, { rewardId }, caller)).rejects.toMatchObject({ code: 'tier-too-low' });
    await earnPoints(memberId, { orderId: 'big-order', amount: { value: 60_000, currency: 'EUR' } }, caller);
    await expect(redeemReward(memberId, { rewardId }, caller)).resolves.toMatchObject({ status: 201 });
    expect((await findReward(rewardId))?.stock).toBe(9);
  });

  it('refuses a reward the balance cannot pay, and takes no stock', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms({ pointsCost: 101, stock: 1 }), clock);
    await expect(redeemReward(await enrolled(), { rewardId }, caller)).rejects.toMatchObject({
      code: 'insufficient-points',
    });
    expect((await findReward(rewardId))?.stock).toBe(1);
  });

  it('redeems an unlimited reward without touching a stock', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms(), clock);
    const memberId = await enrolled();
    await redeemReward(memberId, { rewardId }, caller);
    await redeemReward(memberId, { rewardId }, caller);
    const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: rewardKey(rewardId) }));
    expect(Item).not.toHaveProperty('stock');
    expect((await findMember(memberId))?.points.balance).toBe(20);
  });

  it('survives transaction conflicts on a popular reward: retried, one unit taken, one entry written', async () => {
    const rewardId = newRewardId();
    await putReward(rewardId, terms({ stock: 5 }), clock);
    const memberId = await enrolled();
    const faulty = withFaults(table, [
      { command: 'TransactWriteCommand', count: 2, error: () => transactionConflict(3) },
    ]);
    useStore(faulty);
    try {
      await expect(redeemReward(memberId, { rewardId }, caller)).resolves.toMatchObject({ status: 201 });
    } finally {
      useStore(table);
    }
    expect(faulty.injected).toBe(2);
    expect((await findReward(rewardId))?.stock).toBe(4);
    expect((await listLedger(memberId, 10, undefined)).items.filter((e) => e.type === 'redeem')).toHaveLength(1);
  });
});

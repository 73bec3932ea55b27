import { beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import {
  answerNps,
  type Caller,
  creditCashback,
  earnPoints,
  enrolMember,
  recordAnonymousPurchase,
  redeemPoints,
  refundOrder,
  takeSnapshot,
} from '../support/use-cases';
import { findMember } from '@shared/store/items/member';
import { computeSnapshot } from '@shared/app/take-snapshot';
import { YEAR_MS } from '@shared/domain/metrics';
import { useStore, type StoreConfig } from '@shared/store/client';
import { pendingCashbackTotal } from '@shared/domain/member';
import { withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';

/** Sign-up 100 points, 1 point per euro, no other bonus: every number below is computed by hand. */
const program = { bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } };
const at = (time: string): Caller => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });

async function enrolAt(time: string): Promise<string> {
  const result = await enrolMember(
    { consent: { marketing: true, analytics: true }, email: 'someone@example.com' },
    at(time),
  );
  return (result.body as { memberId: string }).memberId;
}

async function snapshotAt(time: string, window?: { from: string; to: string }) {
  const result = await takeSnapshot({ window }, at(time));
  expect(result.status).toBe(201);
  return result.body as Awaited<ReturnType<typeof computeSnapshot>>;
}

const withoutId = ({ snapshotId: _id, ...measures }: Awaited<ReturnType<typeof computeSnapshot>>) => measures;

describe('a snapshot over a known data set', () => {
  const NOW = '2026-06-30T12:00:00.000Z';
  let store: StoreConfig;
  const members = { ann: '', bob: '', cat: '', dan: '', eve: '' };

  beforeAll(async () => {
    store = await useFreshTable(program);
    // ann: three purchases (Feb; May = previous window; June = window), redeems 50 points, answers 10.
    members.ann = await enrolAt('2026-01-10T09:00:00.000Z');
    await earnPoints(
      members.ann,
      { orderId: 'a-1', amount: eur(2_000), occurredAt: '2026-02-01T10:00:00.000Z' },
      at('2026-02-01T10:00:00.000Z'),
    );
    // bob: one purchase in the previous window only, answers 0 then (outside the window).
    members.bob = await enrolAt('2026-04-01T09:00:00.000Z');
    // eve: a purchase in March, and later one a till reports 28 days late.
    members.eve = await enrolAt('2026-03-01T09:00:00.000Z');
    await earnPoints(
      members.eve,
      { orderId: 'e-1', amount: eur(1_000), occurredAt: '2026-03-05T10:00:00.000Z' },
      at('2026-03-05T10:00:00.000Z'),
    );
    await earnPoints(
      members.ann,
      { orderId: 'a-2', amount: eur(3_000), occurredAt: '2026-05-10T10:00:00.000Z' },
      at('2026-05-10T10:00:00.000Z'),
    );
    await recordAnonymousPurchase(
      { orderId: 'n-0', amount: eur(9_999), occurredAt: '2026-05-05T10:00:00.000Z' },
      at('2026-05-05T10:00:00.000Z'),
    );
    await earnPoints(
      members.bob,
      { orderId: 'b-1', amount: eur(5_000), occurredAt: '2026-05-15T10:00:00.000Z' },
      at('2026-05-15T10:00:00.000Z'),
    );
    await answerNps(members.bob, { score: 0 }, at('2026-05-20T10:00:00.000Z'));
    // A run in between: the totals advance in more than one run.
    await snapshotAt('2026-05-25T00:00:00.000Z');

    // cat: enrols and buys for the first time in the window; points and cashback on one order (one purchase), then a third refunded.
    members.cat = await enrolAt('2026-06-01T09:00:00.000Z');
    // dan: no purchase; answers twice (3, then 9: only the latest counts).
    members.dan = await enrolAt('2026-06-02T09:00:00.000Z');
    await answerNps(members.dan, { score: 3, comment: 'slow till' }, at('2026-06-03T10:00:00.000Z'));
    await earnPoints(
      members.cat,
      { orderId: 'c-1', amount: eur(6_000), occurredAt: '2026-06-05T10:00:00.000Z' },
      at('2026-06-05T10:00:00.000Z'),
    );
    await creditCashback(
      members.cat,
      { orderId: 'c-1', amount: eur(6_000), occurredAt: '2026-06-05T10:00:00.000Z' },
      at('2026-06-05T10:01:00.000Z'),
    );
    await recordAnonymousPurchase(
      { orderId: 'n-1', amount: eur(2_500), occurredAt: '2026-06-07T10:00:00.000Z' },
      at('2026-06-07T10:00:00.000Z'),
    );
    await recordAnonymousPurchase(
      { orderId: 'n-2', amount: eur(3_500), occurredAt: '2026-06-08T10:00:00.000Z' },
      at('2026-06-08T10:00:00.000Z'),
    );
    await earnPoints(
      members.ann,
      { orderId: 'a-3', amount: eur(4_000), occurredAt: '2026-06-10T10:00:00.000Z' },
      at('2026-06-10T10:00:00.000Z'),
    );
    await answerNps(members.ann, { score: 10 }, at('2026-06-12T10:00:00.000Z'));
    await redeemPoints(members.ann, { points: 50 }, at('2026-06-15T10:00:00.000Z'));
    await refundOrder(members.cat, { orderId: 'c-1', amount: eur(2_000) }, at('2026-06-20T10:00:00.000Z'));
    await answerNps(members.cat, { score: 5, comment: 'fine' }, at('2026-06-21T10:00:00.000Z'));
    await snapshotAt('2026-06-22T00:00:00.000Z');
    await answerNps(members.dan, { score: 9 }, at('2026-06-25T10:00:00.000Z'));
    // Reported on 06-29, it happened on 06-01: it counts in this window, and in the totals of the run after it was recorded.
    await earnPoints(
      members.eve,
      { orderId: 'e-2', amount: eur(2_000), occurredAt: '2026-06-01T10:00:00.000Z' },
      at('2026-06-29T10:00:00.000Z'),
    );
  });

  it('holds every measure exactly as defined', async () => {
    const snapshot = await snapshotAt(NOW);
    // Window: ann 40.00, cat 60.00 − 20.00 refunded, eve 20.00 (late): 100.00 over 3 orders and 3 active members.
    // Repeat customers: ann (Feb 1 → Jun 10, 129 days) and eve (Mar 5 → Jun 1, 88 days): t = 108.5 days.
    // CLV = t × c × f = lifespan × spend / (active × window) = 217 days × 10000 / (2 × 3 × 30 days) = 12055.55…
    expect(snapshot).toEqual({
      snapshotId: expect.stringMatching(/^snp_/) as unknown,
      computedAt: NOW,
      window: { from: '2026-05-31T12:00:00.000Z', to: NOW },
      members: { total: 5, active: 3 },
      clv: {
        value: eur(12_055),
        lifespanYears: 108.5 / 365.25,
        purchasesPerYear: YEAR_MS / (30 * 86_400_000),
        averageOrderValue: eur(3_333),
      },
      repeatCustomerRate: 2 / 4, // ann, eve of ann, bob, cat, eve
      retentionRate: 1 / 2, // previous window: ann, bob; ann came back
      nps: 100 / 3, // ann 10 and dan 9 promote, cat 5 detracts; bob's 0 was before the window
      npsResponses: 3,
      // Issued: 5 sign-ups (500) + 20 + 30 + 40 (ann) + 50 (bob) + 60 (cat) + 10 + 20 (eve) = 730; redeemed 50.
      redemptionRate: 50 / 730,
      averageSpendPerMember: eur(3_333),
      averageOrderValue: {
        members: eur(3_333),
        nonMembers: eur(3_000),
        newMembers: eur(4_000),
        returningMembers: eur(3_000),
      },
      // 730 − 50 redeemed − 20 reversed by the refund; cashback 60 credited − 20 reversed.
      pointsOutstanding: 660,
      cashbackOutstanding: eur(40),
    });
  });

  it("owes exactly what the members' balances add up to", async () => {
    const snapshot = await snapshotAt(NOW);
    const all = await Promise.all(Object.values(members).map(async (memberId) => findMember(memberId)));
    expect(snapshot.pointsOutstanding).toBe(all.reduce((sum, member) => sum + (member?.points.balance ?? 0), 0));
    expect(snapshot.cashbackOutstanding.value).toBe(
      all.reduce((sum, member) => sum + (member ? member.cashback.available + pendingCashbackTotal(member) : 0), 0),
    );
  });

  it('gives identical numbers when the job runs again over the same period, and later with nothing new', async () => {
    const first = await snapshotAt(NOW);
    const again = await snapshotAt(NOW);
    expect(withoutId(again)).toEqual(withoutId(first));
    const later = await snapshotAt('2026-06-30T13:00:00.000Z');
    expect(later).toMatchObject({
      members: first.members,
      pointsOutstanding: 660,
      repeatCustomerRate: 0.5,
      redemptionRate: 50 / 730,
      cashbackOutstanding: eur(40),
    });
  });

  it('loses nothing and counts nothing twice when a run crashes before committing its totals', async () => {
    const before = withoutId(await snapshotAt(NOW));
    await earnPoints(
      members.dan,
      { orderId: 'd-1', amount: eur(1_000), occurredAt: '2026-07-01T10:00:00.000Z' },
      at('2026-07-01T10:00:00.000Z'),
    );
    const faulty = withFaults(store, [
      { command: 'TransactWriteCommand', count: 1, error: () => new Error('the process died') },
    ]);
    useStore(faulty);
    await expect(snapshotAt('2026-07-02T00:00:00.000Z')).rejects.toThrow('the process died');
    useStore(store);
    const after = await snapshotAt('2026-07-02T00:00:00.000Z');
    expect(after.pointsOutstanding).toBe(before.pointsOutstanding + 10);
    expect(after.repeatCustomerRate).toBe(2 / 5);
    expect(after.redemptionRate).toBe(50 / 740);
    expect(withoutId(await snapshotAt('2026-07-02T00:00:00.000Z'))).toEqual(withoutId(after));
  });

  it('computes a snapshot for a window given by the caller', async () => {
    const snapshot = await snapshotAt('2026-07-02T00:00:00.000Z', {
      from: '2026-05-01T12:00:00.000Z',
      to: '2026-05-31T12:00:00.000Z',
    });
    // ann 30.00 and bob 50.00 in May; a non-member 99.99; nothing in April (no retention to measure).
    expect(snapshot).toMatchObject({
      window: { from: '2026-05-01T12:00:00.000Z', to: '2026-05-31T12:00:00.000Z' },
      members: { total: 5, active: 2 },
      retentionRate: null,
      nps: -100,
      npsResponses: 1,
      averageOrderValue: {
        members: eur(4_000),
        nonMembers: eur(9_999),
        newMembers: eur(5_000),
        returningMembers: eur(3_000),
      },
    });
  });
});

/** Wraps the real client and counts the items each read returns (Query, BatchGet, Get) and the queries sent. */
function countingReads(
  config: StoreConfig,
): StoreConfig & { itemsRead: () => number; queries: () => number; reset: () => void } {
  let items = 0;
  let queries = 0;
  const client = new Proxy(config.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: never) => {
        if ((command as object).constructor.name === 'QueryCommand') queries += 1;
        const output = (await target.send(command)) as {
          Items?: unknown[];
          Item?: unknown;
          Responses?: Record<string, unknown[]>;
        };
        items +=
          (output.Items?.length ?? 0) +
          (output.Item ? 1 : 0) +
          Object.values(output.Responses ?? {}).reduce((sum, list) => sum + list.length, 0);
        return output;
      };
    },
  });
  return {
    client,
    tableName: config.tableName,
    itemsRead: () => items,
    queries: () => queries,
    reset: () => {
      items = 0;
      queries = 0;
    },
  };
}

describe('the cost of a snapshot', () => {
  /** History (long before the window), a first run that catches up, then the same new activity; returns the items the next run reads. */
  async function itemsReadAfterHistory(historyMembers: number): Promise<number> {
    const store = await useFreshTable(program);
    for (let i = 0; i < historyMembers; i += 1) {
      const memberId = await enrolAt('2026-01-05T09:00:00.000Z');
      await earnPoints(
        memberId,
        { orderId: `h-${i}-1`, amount: eur(1_000 + i), occurredAt: '2026-01-10T10:00:00.000Z' },
        at('2026-01-10T10:00:00.000Z'),
      );
      await earnPoints(
        memberId,
        { orderId: `h-${i}-2`, amount: eur(2_000 + i), occurredAt: '2026-02-10T10:00:00.000Z' },
        at('2026-02-10T10:00:00.000Z'),
      );
      await answerNps(memberId, { score: i % 11, comment: 'history' }, at('2026-02-11T10:00:00.000Z'));
    }
    await snapshotAt('2026-06-01T00:00:00.000Z');
    for (let i = 0; i < 5; i += 1) {
      const memberId = await enrolAt('2026-06-20T09:00:00.000Z');
      await earnPoints(
        memberId,
        { orderId: `new-${i}`, amount: eur(3_000), occurredAt: '2026-06-21T10:00:00.000Z' },
        at('2026-06-21T10:00:00.000Z'),
      );
      await answerNps(memberId, { score: 9 }, at('2026-06-22T10:00:00.000Z'));
    }
    const counting = countingReads(store);
    useStore(counting);
    await snapshotAt('2026-06-30T12:00:00.000Z');
    useStore(store);
    return counting.itemsRead();
  }

  it('reads what happened since the last run and in the window, not the history: 10× the history reads at most 1.5× the items', async () => {
    const small = await itemsReadAfterHistory(8);
    const large = await itemsReadAfterHistory(80);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeLessThanOrEqual(1.5 * small);
    // ~270 sequential writes to build the history: on a loaded 2-core machine that alone can pass 60 s.
  }, 180_000);

  it('makes few queries when nothing happened since the last run: its own state and the last hour, not the window day by day', async () => {
    const store = await useFreshTable(program);
    const memberId = await enrolAt('2026-06-01T09:00:00.000Z');
    await earnPoints(
      memberId,
      { orderId: 'o-1', amount: eur(1_000), occurredAt: '2026-06-02T10:00:00.000Z' },
      at('2026-06-02T10:00:00.000Z'),
    );
    await snapshotAt('2026-06-30T12:00:00.000Z');
    const counting = countingReads(store);
    useStore(counting);
    const idle = await snapshotAt('2026-06-30T13:00:00.000Z');
    useStore(store);
    expect(idle.members.active).toBe(1);
    // One day of recorded activity (8 shards) for the hour, the same for the unsettled minutes, the digests.
    expect(counting.queries()).toBeLessThanOrEqual(20);
  });
});

describe('facts recorded in a later run than the purchase they change', () => {
  it('nets a refund and counts a late-reported purchase in the windows they happened in', async () => {
    await useFreshTable(program);
    const ann = await enrolAt('2026-04-01T09:00:00.000Z');
    const bob = await enrolAt('2026-04-01T09:00:00.000Z');
    await earnPoints(
      ann,
      { orderId: 'a-1', amount: eur(4_000), occurredAt: '2026-06-10T10:00:00.000Z' },
      at('2026-06-10T10:00:00.000Z'),
    );
    await earnPoints(
      bob,
      { orderId: 'b-2', amount: eur(1_000), occurredAt: '2026-06-11T10:00:00.000Z' },
      at('2026-06-11T10:00:00.000Z'),
    );
    const before = await snapshotAt('2026-06-20T00:00:00.000Z');
    expect(before).toMatchObject({ members: { active: 2 }, retentionRate: null });
    expect(before.averageOrderValue.members).toEqual(eur(2_500));

    // Both recorded after the run that digested the orders: the refund nets a-1, b-1 happened in the previous window.
    await refundOrder(ann, { orderId: 'a-1', amount: eur(1_000) }, at('2026-06-21T10:00:00.000Z'));
    await earnPoints(
      bob,
      { orderId: 'b-1', amount: eur(2_000), occurredAt: '2026-05-15T10:00:00.000Z' },
      at('2026-06-22T10:00:00.000Z'),
    );
    const after = await snapshotAt('2026-06-25T00:00:00.000Z');
    expect(after).toMatchObject({
      members: { active: 2 },
      // bob bought in the previous window and again in this one.
      retentionRate: 1,
      averageSpendPerMember: eur(2_000),
      averageOrderValue: { members: eur(2_000), newMembers: eur(3_000), returningMembers: eur(1_000) },
    });
  });
});

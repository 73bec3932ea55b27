import { beforeAll, describe, expect, it } from 'vitest';
import { getMember } from '@shared/app/reads/member-reads';
import { findMemberWithLots, loadLotBook } from '@shared/app/support/lots';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import { useStore, type StoreConfig } from '@shared/store/client';
import { findMember } from '@shared/store/items/member';
import { lotItemsDigest, queryLotBook, queryLotsSince } from '@shared/store/items/lot';
import { currentProgram } from '@shared/store/program';
import { earnPoints, enrolMember, redeemPoints, refundOrder } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * A member's lots are read BESIDE the member (a Query in flight with the member's read), not
 * after it: a points write of a member with lots is one round trip of reads and one transaction,
 * a member read one round trip. The lots read beside are used only when they match the digest
 * the member version records; otherwise (a write in between, a job far behind) they are read
 * after the member, as before.
 */
let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({
    earn: { pointsPerUnit: 1, holdDays: 14 },
    expiry: { afterMonths: 3, roundTo: 'month', remindDays: 10 },
    bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 },
    cashback: { holdDays: 0 },
  });
  await currentProgram(); // as every use case does first: the lots in force are known from here
});

const at = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });
const eur = (value: number) => ({ value, currency: 'EUR' });

async function enrolledAt(time: string): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, at(time));
  return (result.body as { memberId: string }).memberId;
}

/** The calls `work` sends, by command, and its round trips (calls in flight together count once). */
async function tripsOf(work: () => Promise<unknown>): Promise<{ calls: string[]; trips: number }> {
  const calls: string[] = [];
  let inFlight = 0;
  let trips = 0;
  const client = new Proxy(table.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { constructor: { name: string } }): Promise<unknown> => {
        calls.push(command.constructor.name);
        if (inFlight === 0) trips += 1;
        inFlight += 1;
        try {
          return await target.send(command as never);
        } finally {
          inFlight -= 1;
        }
      };
    },
  });
  useStore({ client, tableName: table.tableName });
  try {
    await work();
  } finally {
    useStore(table);
  }
  return { calls: calls.sort(), trips };
}

describe('a member read with its lots beside it', () => {
  it('earns, redeems and refunds in 2 round trips and answers the member in 1', async () => {
    const memberId = await enrolledAt('2026-01-05T10:00:00.000Z');
    await earnPoints(memberId, { orderId: 'o1', amount: eur(30_000) }, at('2026-01-10T10:00:00.000Z'));

    const earn = await tripsOf(() =>
      earnPoints(memberId, { orderId: 'o2', amount: eur(20_000) }, at('2026-02-01T10:00:00.000Z')),
    );
    expect(earn).toEqual({ calls: ['BatchGetCommand', 'QueryCommand', 'TransactWriteCommand'], trips: 2 });

    const redeem = await tripsOf(() => redeemPoints(memberId, { points: 150 }, at('2026-02-02T10:00:00.000Z')));
    expect(redeem).toEqual({ calls: ['GetCommand', 'QueryCommand', 'TransactWriteCommand'], trips: 2 });

    const refund = await tripsOf(() =>
      refundOrder(memberId, { orderId: 'o1', amount: eur(30_000) }, at('2026-02-03T10:00:00.000Z')),
    );
    expect(refund).toEqual({ calls: ['BatchGetCommand', 'QueryCommand', 'TransactWriteCommand'], trips: 2 });

    let view: Awaited<ReturnType<typeof getMember>> | undefined;
    const read = await tripsOf(async () => {
      view = await getMember(memberId, new Date('2026-02-03T11:00:00.000Z'));
    });
    expect(read).toEqual({ calls: ['GetCommand', 'QueryCommand'], trips: 1 });
    // 100 (bonus) + 300 − 150 − 300 taken back (150 of it already spent: from the balance); 200 pending.
    expect(view?.points).toMatchObject({ balance: -50, pending: 200 });
  });

  it('records the digest of its lot items in every write, the time job and expiry included', async () => {
    const memberId = await enrolledAt('2026-01-05T10:00:00.000Z');
    const digestMatches = async () => {
      const member = await findMember(memberId);
      if (!member?.lots) throw new Error('the member has no lots');
      const stored = await queryLotBook(memberId, member.lots);
      expect(member.lots.digest).toBe(lotItemsDigest(stored.lots, member.lots.expiredThrough));
    };
    await digestMatches();
    await earnPoints(memberId, { orderId: 'o1', amount: eur(30_000) }, at('2026-01-10T10:00:00.000Z'));
    await digestMatches();
    await redeemPoints(memberId, { points: 80 }, at('2026-01-11T10:00:00.000Z')); // the bonus: o1 is pending
    await digestMatches();
    await runLotTimeEvents(new Date('2026-01-25T10:00:00.000Z')); // the hold ends: announced
    await digestMatches();
    await runLotTimeEvents(new Date('2026-04-25T10:00:00.000Z')); // reminders of the end of April
    await digestMatches();
    await runLotTimeEvents(new Date('2026-05-02T10:00:00.000Z')); // the bonus lot expired
    await digestMatches();
    expect((await findMember(memberId))?.lots?.expiredThrough).toBe('2026-05-02T10:00:00.000Z');
  });

  it('reads the lots after the member when those read beside it are of another version', async () => {
    const memberId = await enrolledAt('2026-01-05T10:00:00.000Z');
    await earnPoints(memberId, { orderId: 'o1', amount: eur(30_000) }, at('2026-01-10T10:00:00.000Z'));
    // The lots as a Query sent just before a concurrent write saw them, the member as read after that write.
    const stale = await queryLotsSince(memberId, new Date('2026-01-01T00:00:00.000Z'));
    await redeemPoints(memberId, { points: 100 }, at('2026-01-11T10:00:00.000Z'));
    const member = await findMember(memberId);
    if (!member?.lots) throw new Error('the member has no lots');
    expect(lotItemsDigest(stale, member.lots.expiredThrough)).not.toBe(member.lots.digest);

    // The same through the use case's read: the lots beside match, and no Query follows.
    const fresh = await findMemberWithLots(memberId, new Date('2026-01-11T11:00:00.000Z'));
    if (!fresh) throw new Error('no member');
    const beside = await tripsOf(() => loadLotBook(fresh));
    expect(beside).toEqual({ calls: [], trips: 0 });
    expect(await loadLotBook(fresh)).toEqual(await queryLotBook(memberId, member.lots));

    // A member version whose lots were not read beside it: one Query after it, as before.
    const withoutDigest = { ...member.lots };
    delete withoutDigest.digest;
    const after = await tripsOf(() => loadLotBook({ memberId, lots: withoutDigest }));
    expect(after).toEqual({ calls: ['QueryCommand'], trips: 1 });
  });

  it('reads nothing beside a member while the program has no lots', async () => {
    table = await useFreshTable({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
    await currentProgram();
    const memberId = await enrolledAt('2026-01-05T10:00:00.000Z');
    await earnPoints(memberId, { orderId: 'o1', amount: eur(30_000) }, at('2026-01-10T10:00:00.000Z'));
    const earn = await tripsOf(() =>
      earnPoints(memberId, { orderId: 'o2', amount: eur(30_000) }, at('2026-01-11T10:00:00.000Z')),
    );
    expect(earn).toEqual({ calls: ['BatchGetCommand', 'TransactWriteCommand'], trips: 2 });
    const read = await tripsOf(() => getMember(memberId, new Date('2026-01-11T11:00:00.000Z')));
    expect(read).toEqual({ calls: ['GetCommand'], trips: 1 });
  });
});

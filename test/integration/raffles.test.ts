import { beforeEach, describe, expect, it } from 'vitest';
import * as app from '@shared/app';
import type { RaffleRules } from '@shared/domain/raffle';
import { drawWinners, seedHashOf } from '@shared/domain/raffle-draw';
import { maskPersonalData } from '@shared/observability';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '@shared/domain/events';
import { newMember } from '@shared/domain/member';
import { MAX_PRIZE_UNITS } from '@shared/domain/raffle';
import { newMemberId, newReferralCode } from '@shared/ids';
import { mapWithConcurrency } from '@shared/store/activity';
import { useStore, type StoreConfig } from '@shared/store/client';
import { readEventFeed } from '@shared/store/items/event';
import { findMember, memberPut } from '@shared/store/items/member';
import { findOrder } from '@shared/store/items/order';
import { findRaffle } from '@shared/store/items/raffle';
import { findRaffleEntry, raffleEntryPut } from '@shared/store/items/raffle-entry';
import { listLedger } from '@shared/store/queries';
import { allRaffleEntries } from '@shared/store/raffles';
import { eur } from '../support/money';
import { withFaults } from '../support/faults';
import { RaffleWonData } from '@shared/schemas/raffles';
import { useFreshTable } from '../support/table';
import {
  buyRaffleEntries,
  drawRaffle,
  earnPoints,
  enrolMember,
  eraseMember,
  putRaffle,
  refundOrder,
  type Caller,
} from '../support/use-cases';

const HOUR = 3_600_000;
const base = Date.now();
/** The raffles open an hour before `base` and close an hour after; `after` is past every close. */
const during = () => new Date(base);
const after = () => new Date(base + 2 * HOUR);
const inWindow = new Date(base - 30 * 60_000).toISOString();
const callerAt = (now: () => Date): Caller => ({ partnerId: 'partner-1', idempotency: undefined, now });

// A table per test: the raffles of one test are the only ones an earn of that test can enter.
let table: StoreConfig;
beforeEach(async () => {
  table = await useFreshTable({ bonuses: { signup: 1_000, referrer: 0, referee: 0, birthday: 0 } });
});

let raffleCount = 0;
function rules(overrides: Partial<RaffleRules> = {}): RaffleRules {
  return {
    name: 'Summer raffle',
    opensAt: new Date(base - HOUR).toISOString(),
    closesAt: new Date(base + HOUR).toISOString(),
    entries: { perAmount: eur(2_000), pointsPerEntry: 100 },
    prizes: [
      { prizeId: 'bike', name: 'City bike', quantity: 1 },
      { prizeId: 'mug', name: 'Mug', quantity: 3 },
    ],
    ...overrides,
  };
}
async function newRaffle(overrides: Partial<RaffleRules> = {}): Promise<string> {
  const raffleId = `raffle-${++raffleCount}`;
  expect((await putRaffle(raffleId, rules(overrides), during)).status).toBe(201);
  return raffleId;
}
async function enrolled(): Promise<string> {
  const result = await enrolMember({ consent: { marketing: false, analytics: false } }, callerAt(during));
  return (result.body as { memberId: string }).memberId;
}
let orderCount = 0;
async function earn(memberId: string, amount: number, options: { now?: () => Date; occurredAt?: string } = {}) {
  const orderId = `order-${++orderCount}`;
  const earned = await earnPoints(
    memberId,
    { orderId, amount: eur(amount), occurredAt: options.occurredAt ?? inWindow },
    callerAt(options.now ?? during),
  );
  expect(earned.status).toBe(201);
  return orderId;
}
const held = async (raffleId: string, memberId: string) => (await findRaffleEntry(raffleId, memberId)).entries;

describe('creating and changing a raffle', () => {
  it('creates with 201 and a seedHash of a secret seed that no answer shows; only the name changes once open', async () => {
    const raffleId = `raffle-${++raffleCount}`;
    const created = await putRaffle(raffleId, rules({ opensAt: new Date(base + HOUR / 2).toISOString() }), during);
    expect(created).toMatchObject({ status: 201, body: { raffleId, status: 'scheduled' } });
    expect(created.body).not.toHaveProperty('seed');
    const stored = await findRaffle(raffleId);
    expect(stored?.raffle.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(seedHashOf(stored?.raffle.seed ?? '')).toBe((created.body as { seedHash: string }).seedHash);
    expect(JSON.stringify(await app.getRaffle(raffleId, during()))).not.toContain(stored?.raffle.seed);
    expect(JSON.stringify(maskPersonalData({ stored }))).not.toContain(stored?.raffle.seed);

    // Before it opens anything may change; the seed stays.
    const moved = await putRaffle(raffleId, rules({ entries: { pointsPerEntry: 50 } }), during);
    expect(moved).toMatchObject({ status: 200, body: { entries: { pointsPerEntry: 50 }, status: 'open' } });
    expect((await findRaffle(raffleId))?.raffle.seed).toBe(stored?.raffle.seed);

    // Open now: other terms are locked (nothing saved); the name may change.
    await expect(putRaffle(raffleId, rules({ entries: { pointsPerEntry: 10 } }), during)).rejects.toMatchObject({
      code: 'raffle-rules-locked',
    });
    expect((await findRaffle(raffleId))?.raffle.entries).toEqual({ pointsPerEntry: 50 });
    const renamed = await putRaffle(raffleId, rules({ name: 'Big summer', entries: { pointsPerEntry: 50 } }), during);
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Big summer' } });
  });

  it('refuses a minTier the program lacks, saving nothing', async () => {
    await expect(putRaffle('bad-tier', rules({ minTier: 'platinum' }), during)).rejects.toMatchObject({
      code: 'unknown-tier',
    });
    expect(await findRaffle('bad-tier')).toBeUndefined();
  });
});

describe('entries from purchases, in the earn’s own transaction', () => {
  it('adds ⌊amount / perAmount⌋ entries with ONE TransactWriteItems and records them on the order', async () => {
    const raffleId = await newRaffle();
    const memberId = await enrolled();
    const counted = withFaults(table, []);
    useStore(counted);
    let orderId: string;
    try {
      orderId = await earn(memberId, 7_999);
    } finally {
      useStore(table);
    }
    expect(counted.calls.TransactWriteCommand).toBe(1);
    expect(await held(raffleId, memberId)).toBe(3);
    expect((await findOrder(memberId, orderId))?.raffleEntries).toEqual({ [raffleId]: 3 });
  });

  it('gives none for a purchase outside the window, below perAmount or in a raffle for points only', async () => {
    const raffleId = await newRaffle();
    const pointsOnly = await newRaffle({ entries: { pointsPerEntry: 10 } });
    const memberId = await enrolled();
    await earn(memberId, 50_000, { occurredAt: new Date(base - 2 * HOUR).toISOString() });
    await earn(memberId, 1_999);
    expect(await held(raffleId, memberId)).toBe(0);
    await earn(memberId, 4_000);
    expect(await held(raffleId, memberId)).toBe(2);
    expect(await held(pointsOnly, memberId)).toBe(0);
  });

  it('caps purchase and point entries together at maxPerMember', async () => {
    const raffleId = await newRaffle({ entries: { perAmount: eur(1_000), pointsPerEntry: 10, maxPerMember: 5 } });
    const memberId = await enrolled();
    await earn(memberId, 3_000);
    expect(await held(raffleId, memberId)).toBe(3);
    await earn(memberId, 9_000);
    expect(await held(raffleId, memberId)).toBe(5);
    await expect(buyRaffleEntries(memberId, raffleId, 1, callerAt(during))).rejects.toMatchObject({
      code: 'raffle-entry-limit',
    });
  });

  it('counts purchases only from minTier on, at the tier the purchase earns at', async () => {
    const raffleId = await newRaffle({ minTier: 'silver' });
    const memberId = await enrolled();
    // This purchase makes the member silver, but earns at the tier held before it: no entries.
    await earn(memberId, 50_000);
    expect(await held(raffleId, memberId)).toBe(0);
    await earn(memberId, 4_000);
    expect(await held(raffleId, memberId)).toBe(2);
  });
});

describe('refunds before the draw take entries back', () => {
  it('keeps what the remaining amount pays for, in the refund’s own transaction', async () => {
    const raffleId = await newRaffle();
    const memberId = await enrolled();
    const orderId = await earn(memberId, 10_000);
    expect(await held(raffleId, memberId)).toBe(5);
    const counted = withFaults(table, []);
    useStore(counted);
    try {
      await refundOrder(memberId, { orderId, amount: eur(3_000) }, callerAt(during));
    } finally {
      useStore(table);
    }
    expect(counted.calls.TransactWriteCommand).toBe(1);
    expect(await held(raffleId, memberId)).toBe(3);
    expect((await findOrder(memberId, orderId))?.raffleEntries).toEqual({ [raffleId]: 3 });
    await refundOrder(memberId, { orderId, amount: eur(7_000) }, callerAt(during));
    expect(await held(raffleId, memberId)).toBe(0);
    expect((await allRaffleEntries(raffleId)).map((e) => e.memberId)).not.toContain(memberId);
  });

  it('leaves bought entries alone and takes nothing back after the draw', async () => {
    const raffleId = await newRaffle();
    const memberId = await enrolled();
    const orderId = await earn(memberId, 6_000);
    await buyRaffleEntries(memberId, raffleId, 2, callerAt(during));
    await refundOrder(memberId, { orderId, amount: eur(2_000) }, callerAt(during));
    expect(await held(raffleId, memberId)).toBe(4);
    expect((await drawRaffle(raffleId, after)).status).toBe(201);
    await refundOrder(memberId, { orderId, amount: eur(4_000) }, callerAt(after));
    expect(await held(raffleId, memberId)).toBe(4);
  });
});

describe('buying entries with points', () => {
  it('posts a redeem entry with raffleId and adds the entries, in one transaction', async () => {
    const raffleId = await newRaffle();
    const memberId = await enrolled();
    const bought = await buyRaffleEntries(memberId, raffleId, 3, callerAt(during));
    expect(bought).toMatchObject({
      status: 201,
      body: { entries: 3, transaction: { type: 'redeem', points: -300, raffleId, balance: { points: 700 } } },
    });
    expect((await buyRaffleEntries(memberId, raffleId, 2, callerAt(during))).body).toMatchObject({ entries: 5 });
    const ledger = await listLedger(memberId, 10, undefined);
    expect(ledger.items.filter((e) => e.raffleId === raffleId).map((e) => e.points)).toEqual([-200, -300]);
  });

  it('refuses (409, nothing changes) short balances, closed or scheduled raffles, purchase-only raffles and low tiers', async () => {
    const memberId = await enrolled();
    const open = await newRaffle();
    const scheduled = await newRaffle({ opensAt: new Date(base + HOUR / 2).toISOString() });
    const purchasesOnly = await newRaffle({ entries: { perAmount: eur(100) } });
    const goldOnly = await newRaffle({ minTier: 'gold' });
    const cases: [string, () => Promise<unknown>][] = [
      ['insufficient-points', () => buyRaffleEntries(memberId, open, 11, callerAt(during))],
      ['raffle-not-open', () => buyRaffleEntries(memberId, open, 1, callerAt(after))],
      ['raffle-not-open', () => buyRaffleEntries(memberId, scheduled, 1, callerAt(during))],
      ['raffle-points-not-accepted', () => buyRaffleEntries(memberId, purchasesOnly, 1, callerAt(during))],
      ['tier-too-low', () => buyRaffleEntries(memberId, goldOnly, 1, callerAt(during))],
      ['raffle-not-found', () => buyRaffleEntries(memberId, 'no-such-raffle', 1, callerAt(during))],
    ];
    for (const [code, refused] of cases) await expect(refused()).rejects.toMatchObject({ code });
    const ledger = await listLedger(memberId, 10, undefined);
    expect(ledger.items.map((e) => e.type)).toEqual(['bonus']);
    expect(await held(open, memberId)).toBe(0);
  });
});

describe('the draw', () => {
  it('is refused before closesAt (409, nothing written), then draws once: a second call answers the first draw', async () => {
    const raffleId = await newRaffle();
    const members = [await enrolled(), await enrolled(), await enrolled()];
    for (const [i, memberId] of members.entries()) await earn(memberId, 2_000 * (i + 1));
    await expect(drawRaffle(raffleId, during)).rejects.toMatchObject({ code: 'raffle-not-closed' });
    expect((await findRaffle(raffleId))?.raffle).not.toHaveProperty('entriesClosedAt');

    const drawn = await drawRaffle(raffleId, after);
    const stored = await findRaffle(raffleId);
    const seed = stored?.raffle.seed ?? '';
    const entries = await allRaffleEntries(raffleId);
    expect(drawn).toMatchObject({ status: 201, body: { status: 'drawn', seed } });
    const body = drawn.body as { winners: unknown[]; seedHash: string };
    expect(seedHashOf(seed)).toBe(body.seedHash);
    expect(body.winners).toEqual(drawWinners(seed, entries, stored?.raffle.prizes ?? []));
    expect(body.winners).toHaveLength(4);
    const again = await drawRaffle(raffleId, () => new Date(base + 3 * HOUR));
    expect(again.body).toEqual(drawn.body);
  });

  it('happens once under 8 concurrent calls, and purchases reported meanwhile never change the published entries', async () => {
    const raffleId = await newRaffle({ entries: { perAmount: eur(1_000) } });
    const members = await Promise.all(Array.from({ length: 6 }, () => enrolled()));
    for (const memberId of members) await earn(memberId, 3_000);
    // Late till reports (occurredAt in the window, recorded after closesAt) race the draws.
    const [draws] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => drawRaffle(raffleId, after))),
      Promise.all(members.map((memberId) => earn(memberId, 5_000, { now: after }))),
    ]);
    const bodies = draws.map((d) => JSON.stringify(d.body));
    expect(new Set(bodies).size).toBe(1);
    const stored = await findRaffle(raffleId);
    // Created (1), entries closed (2), drawn (3): one draw write, whoever won.
    expect(stored?.revision).toBe(3);
    const published = JSON.parse(bodies[0] ?? '{}') as { winners: unknown[] };
    const entries = await allRaffleEntries(raffleId);
    expect(published.winners).toEqual(drawWinners(stored?.raffle.seed ?? '', entries, stored?.raffle.prizes ?? []));
    // Purchases recorded after the entries closed earned their points but no entries.
    const page = await app.listRaffleEntries(raffleId, { limit: 100 });
    expect(page.items).toEqual(entries);
    expect(entries.every((e) => e.entries === 3 || e.entries === 8)).toBe(true);
  });

  it('emits one raffle.won per winning member, about that member: its memberId, its next sequence, the units won', async () => {
    const raffleId = await newRaffle({ prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 3 }] });
    const memberId = await enrolled();
    await earn(memberId, 10_000);
    const before = await findMember(memberId);
    expect((await drawRaffle(raffleId, after)).status).toBe(201);
    const stored = await findRaffle(raffleId);
    const won = drawWinners(stored?.raffle.seed ?? '', await allRaffleEntries(raffleId), stored?.raffle.prizes ?? []);
    expect(won).toHaveLength(3);
    // The member's own feed (GET /v1/events?memberId=) shows the win, after the member's earlier events.
    const feed = await readEventFeed({ memberId, limit: 100, now: after(), settleMs: 0 });
    const version = (before?.version ?? 0) + 1;
    expect(feed.items.at(-1)).toEqual({
      id: expect.stringMatching(/^evt_/) as unknown,
      createdAt: after().toISOString(),
      type: 'raffle.won',
      memberId,
      sequence: version * 100,
      data: {
        raffleId,
        name: 'Summer raffle',
        memberId,
        units: 3,
        won: won.map(({ prizeId, entry }) => ({ prizeId, entry })),
      },
    });
    expect(RaffleWonData.parse(feed.items.at(-1)?.data)).toMatchObject({ units: 3 });
    expect((await findMember(memberId))?.version).toBe(version);
  });
});

/** Members and their entries written straight to the table: 2,000 enrolments through the use case would take minutes. */
async function seededEntrants(raffleId: string, count: number): Promise<string[]> {
  const memberIds = Array.from({ length: count }, () => newMemberId());
  const createdAt = during().toISOString();
  for (let start = 0; start < count; start += 50) {
    const items = memberIds.slice(start, start + 50).flatMap((memberId) => [
      memberPut(
        newMember({
          memberId,
          referralCode: newReferralCode(),
          createdAt,
          profile: { email: `${memberId}@example.com` },
          consent: { marketing: false, analytics: false },
        }),
        null,
      ),
      raffleEntryPut({ raffleId, memberId, entries: 0, version: 0 }, 1),
    ]);
    await table.client.send(new TransactWriteCommand({ TransactItems: items }));
  }
  return memberIds;
}

/** Every raffle.won of each member, read from the member's own feed. */
async function wonEventsOf(memberIds: string[]): Promise<Map<string, DomainEvent[]>> {
  const events = new Map<string, DomainEvent[]>();
  await mapWithConcurrency(memberIds, 16, async (memberId) => {
    const feed = await readEventFeed({ memberId, types: ['raffle.won'], limit: 100, now: after(), settleMs: 0 });
    events.set(memberId, feed.items);
  });
  return events;
}

describe('announcing the winners', () => {
  it('draws the largest raffle allowed (2,000 prize units, 2,000 winners) under 3 concurrent calls: each answers 201 with the same draw, every winner gets one raffle.won', async () => {
    const raffleId = await newRaffle({
      entries: { pointsPerEntry: 100 },
      prizes: [
        { prizeId: 'bike', name: 'City bike', quantity: 1_000 },
        { prizeId: 'mug', name: 'Mug', quantity: MAX_PRIZE_UNITS - 1_000 },
      ],
    });
    const memberIds = await seededEntrants(raffleId, MAX_PRIZE_UNITS);
    const draws = await Promise.all(Array.from({ length: 3 }, () => drawRaffle(raffleId, after)));
    expect(draws.map((d) => d.status)).toEqual([201, 201, 201]);
    expect(new Set(draws.map((d) => JSON.stringify(d.body))).size).toBe(1);
    const winners = (draws[0]?.body as { winners: { memberId: string }[] }).winners;
    expect(winners).toHaveLength(MAX_PRIZE_UNITS);
    expect(new Set(winners.map((w) => w.memberId))).toEqual(new Set(memberIds));
    const events = await wonEventsOf(memberIds);
    for (const memberId of memberIds) {
      expect(events.get(memberId)).toEqual([
        // Seeded at version 1: the win is the member's version 2.
        expect.objectContaining({
          memberId,
          sequence: 200,
          data: expect.objectContaining({ raffleId, units: 1 }) as unknown,
        }),
      ]);
    }
    // A later call answers the same and announces nothing more.
    const again = await drawRaffle(raffleId, after);
    expect(again).toMatchObject({ status: 201, body: draws[0]?.body });
    expect((await wonEventsOf(memberIds.slice(0, 50))).get(memberIds[0] ?? '')).toHaveLength(1);
  });

  it('is finished by the next call when a call stops midway, and announces nothing twice', async () => {
    const raffleId = await newRaffle({
      entries: { pointsPerEntry: 100 },
      prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 150 }],
    });
    const memberIds = await seededEntrants(raffleId, 150);
    // The draw's record and one batch commit; every later transaction fails as a crash would.
    useStore(
      withFaults(table, [
        { command: 'TransactWriteCommand', after: 2, count: 1_000, error: () => new Error('the process died') },
      ]),
    );
    await expect(drawRaffle(raffleId, after)).rejects.toThrow('the process died');
    useStore(table);
    const cut = await wonEventsOf(memberIds);
    const announcedFirst = memberIds.filter((memberId) => (cut.get(memberId) ?? []).length > 0);
    expect(announcedFirst.length).toBeGreaterThan(0);
    expect(announcedFirst.length).toBeLessThan(150);

    expect((await drawRaffle(raffleId, after)).status).toBe(201);
    const events = await wonEventsOf(memberIds);
    for (const memberId of memberIds) expect(events.get(memberId)).toHaveLength(1);
  });

  it('announces nothing to an erased winner, whose win stays in the published winners', async () => {
    const raffleId = await newRaffle({ prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 2 }] });
    const [kept, erased] = [await enrolled(), await enrolled()];
    for (const memberId of [kept, erased]) await earn(memberId, 2_000);
    await eraseMember(erased, callerAt(after));
    const drawn = await drawRaffle(raffleId, after);
    expect((drawn.body as { winners: { memberId: string }[] }).winners.map((w) => w.memberId).sort()).toEqual(
      [kept, erased].sort(),
    );
    const events = await wonEventsOf([kept, erased]);
    expect(events.get(kept)).toHaveLength(1);
    expect(events.get(erased)).toEqual([]);
  });
});

describe('the lists', () => {
  it('pages the admin entries in memberId order and shows a member their entries and prizes', async () => {
    const raffleId = await newRaffle({ prizes: [{ prizeId: 'mug', name: 'Mug', quantity: 2 }] });
    const members = await Promise.all(Array.from({ length: 5 }, () => enrolled()));
    for (const memberId of members) await earn(memberId, 2_000);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await app.listRaffleEntries(raffleId, { limit: 2, cursor });
      seen.push(...page.items.map((e) => e.memberId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...members].sort());
    await drawRaffle(raffleId, after);
    const winners = new Set(
      ((await app.getRaffle(raffleId, after())).winners ?? []).map((w: { memberId: string }) => w.memberId),
    );
    for (const memberId of members) {
      const mine = await app.listMemberRaffles(memberId, { limit: 100 }, after());
      expect(mine.items).toContainEqual({
        raffleId,
        entries: 1,
        won: winners.has(memberId) ? [{ prizeId: 'mug' }] : [],
      });
    }
  });

  it('lists open and drawn raffles, not scheduled ones', async () => {
    const scheduled = await newRaffle({ opensAt: new Date(base + HOUR / 2).toISOString() });
    const open = await newRaffle();
    const listed = await app.listOpenAndDrawnRaffles({ limit: 100 }, during());
    const ids = listed.items.map((r) => r.raffleId);
    expect(ids).toContain(open);
    expect(ids).not.toContain(scheduled);
    expect(listed.items.every((r) => !('seed' in r))).toBe(true);
  });
});

describe('the number of raffles an earn can enter is bounded', () => {
  it('refuses an eleventh overlapping raffle that takes purchase entries (409 raffle-limit)', async () => {
    const raffles: string[] = [];
    for (let i = 0; i < 10; i++) raffles.push(await newRaffle());
    await expect(putRaffle('one-too-many', rules(), during)).rejects.toMatchObject({ code: 'raffle-limit' });
    // Points-only raffles write nothing on an earn: no limit.
    expect((await putRaffle('points-only', rules({ entries: { pointsPerEntry: 5 } }), during)).status).toBe(201);
    // An earn enters all ten in its one transaction (member, ledger, order, 10 × 2 raffle items).
    const memberId = await enrolled();
    await earn(memberId, 2_000);
    for (const raffleId of raffles) expect(await held(raffleId, memberId)).toBe(1);
  });
});

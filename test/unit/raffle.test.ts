import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultProgram } from '@infra/config/default-program';
import { DomainError } from '@shared/domain/errors';
import { newMember, type MemberState } from '@shared/domain/member';
import { EVENT_DATA_BUDGET_BYTES } from '@shared/domain/events';
import {
  announcementBatches,
  raffleWonData,
  winsByMember,
  assertRaffleFitsProgram,
  assertRoomForPurchaseEntries,
  buyEntriesWithPoints,
  drawRaffle,
  entriesFromPurchase,
  entriesTakenBackByRefund,
  memberRaffleView,
  planRaffleReplace,
  raffleRulesProblems,
  raffleStatus,
  raffleView,
  type RaffleRules,
  type RaffleState,
} from '@shared/domain/raffle';
import { drawWinners, seedHashOf } from '@shared/domain/raffle-draw';
import { BuyEntriesRequest, PutRaffleRequest, Raffle, RaffleEntries, MemberRaffle } from '@shared/schemas/raffles';

const SEED = 'ab'.repeat(32);
const opensAt = '2026-07-01T00:00:00.000Z';
const closesAt = '2026-08-01T00:00:00.000Z';
const before = new Date('2026-06-20T00:00:00.000Z');
const during = new Date('2026-07-15T00:00:00.000Z');
const after = new Date('2026-08-02T00:00:00.000Z');

const rules: RaffleRules = {
  name: 'Summer raffle',
  opensAt,
  closesAt,
  entries: { perAmount: { value: 2_000, currency: 'EUR' }, pointsPerEntry: 100, maxPerMember: 10 },
  prizes: [
    { prizeId: 'bike', name: 'City bike', quantity: 1 },
    { prizeId: 'mug', name: 'Mug', quantity: 3 },
  ],
};

function raffle(overrides: Partial<RaffleState> = {}): RaffleState {
  return {
    ...rules,
    raffleId: 'summer',
    seed: SEED,
    seedHash: seedHashOf(SEED),
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A member with `balance` points and `spend` (minor units) bought yesterday, for their tier. */
function member(balance: number, spend = 0): MemberState {
  const base = newMember({
    memberId: 'm1',
    referralCode: 'ABCDEFGH',
    createdAt: '2026-01-01T00:00:00.000Z',
    profile: {},
    consent: { marketing: false, analytics: false },
  });
  return {
    ...base,
    points: { ...base.points, balance },
    purchases: { ...base.purchases, spendByDay: spend ? { '2026-07-14': spend } : {} },
  };
}

const context = (held = 0, now = during) => ({ held, program: defaultProgram, now });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('raffle rules', () => {
  it('accepts a well-formed raffle', () => {
    expect(raffleRulesProblems(rules)).toEqual([]);
    expect(PutRaffleRequest.safeParse(rules).success).toBe(true);
    expect(() => assertRaffleFitsProgram(rules, defaultProgram)).not.toThrow();
  });

  it('refuses a window that ends before it starts, no way to enter, repeated prize ids, quantity 0', () => {
    const bad: RaffleRules = {
      ...rules,
      closesAt: opensAt,
      entries: { maxPerMember: 3 },
      prizes: [
        { prizeId: 'mug', name: 'Mug', quantity: 0 },
        { prizeId: 'mug', name: 'Mug again', quantity: 1 },
      ],
    };
    expect(raffleRulesProblems(bad).map((p) => p.path)).toEqual([
      'closesAt',
      'entries',
      'prizes.0.quantity',
      'prizes.1.prizeId',
    ]);
    const parsed = PutRaffleRequest.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('prizes.0.quantity');
  });

  it('schema: no prizes, unknown fields, non-positive perAmount or pointsPerEntry are 400s', () => {
    expect(PutRaffleRequest.safeParse({ ...rules, prizes: [] }).success).toBe(false);
    expect(PutRaffleRequest.safeParse({ ...rules, colour: 'red' }).success).toBe(false);
    expect(
      PutRaffleRequest.safeParse({ ...rules, entries: { perAmount: { value: 0, currency: 'EUR' } } }).success,
    ).toBe(false);
    expect(PutRaffleRequest.safeParse({ ...rules, entries: { pointsPerEntry: 0 } }).success).toBe(false);
    expect(PutRaffleRequest.safeParse({ ...rules, entries: { pointsPerEntry: 1.5 } }).success).toBe(false);
    expect(PutRaffleRequest.safeParse({ ...rules, entries: { pointsPerEntry: 5, maxPerMember: 0 } }).success).toBe(
      false,
    );
  });

  it('checks the currency and the tier against the program', () => {
    const usd = { ...rules, entries: { perAmount: { value: 100, currency: 'USD' } } };
    expect(refusal(() => assertRaffleFitsProgram(usd, defaultProgram))).toBe('currency-mismatch');
    expect(refusal(() => assertRaffleFitsProgram({ ...rules, minTier: 'platinum' }, defaultProgram))).toBe(
      'unknown-tier',
    );
    expect(() => assertRaffleFitsProgram({ ...rules, minTier: 'gold' }, defaultProgram)).not.toThrow();
  });
});

describe('changing a raffle', () => {
  it('creates, updates anything before it opens, and sees equal instants as no change', () => {
    expect(planRaffleReplace(undefined, rules, before).kind).toBe('create');
    const later = {
      ...rules,
      closesAt: '2026-09-01T00:00:00.000Z',
      prizes: [{ prizeId: 'car', name: 'Car', quantity: 1 }],
    };
    expect(planRaffleReplace(raffle(), later, before).kind).toBe('update');
    expect(planRaffleReplace(raffle(), { ...rules, opensAt: '2026-07-01T00:00:00Z' }, during).kind).toBe('unchanged');
  });

  it('once open, only the name may change', () => {
    expect(planRaffleReplace(raffle(), { ...rules, name: 'Big summer raffle' }, during)).toMatchObject({
      kind: 'update',
      rules: { name: 'Big summer raffle' },
    });
    const changes: Partial<RaffleRules>[] = [
      { closesAt: '2026-09-01T00:00:00.000Z' },
      { opensAt: '2026-07-02T00:00:00.000Z' },
      { entries: { ...rules.entries, maxPerMember: 11 } },
      { entries: { pointsPerEntry: 100, maxPerMember: 10 } },
      { prizes: [{ prizeId: 'bike', name: 'City bike', quantity: 2 }] },
      { prizes: [...rules.prizes].reverse() },
      { minTier: 'silver' },
    ];
    for (const change of changes) {
      expect(refusal(() => planRaffleReplace(raffle(), { ...rules, ...change }, during))).toBe('raffle-rules-locked');
      expect(refusal(() => planRaffleReplace(raffle(), { ...rules, ...change }, after))).toBe('raffle-rules-locked');
    }
    // The instant it opens counts as open.
    expect(refusal(() => planRaffleReplace(raffle(), { ...rules, minTier: 'gold' }, new Date(opensAt)))).toBe(
      'raffle-rules-locked',
    );
  });
});

describe('entries from purchases', () => {
  const eur = (value: number) => ({ value, currency: 'EUR' });
  const purchaseContext = (held = 0, tierId = 'member') => ({ held, tierId, program: defaultProgram });

  it('adds ⌊amount / perAmount⌋ for a purchase that occurred in the window, capped by maxPerMember', () => {
    expect(
      entriesFromPurchase(raffle(), { amount: eur(5_999), occurredAt: during.toISOString() }, purchaseContext()),
    ).toBe(2);
    expect(
      entriesFromPurchase(raffle(), { amount: eur(1_999), occurredAt: during.toISOString() }, purchaseContext()),
    ).toBe(0);
    expect(entriesFromPurchase(raffle(), { amount: eur(100_000), occurredAt: opensAt }, purchaseContext(4))).toBe(6);
    expect(entriesFromPurchase(raffle(), { amount: eur(100_000), occurredAt: opensAt }, purchaseContext(10))).toBe(0);
  });

  it('adds nothing outside the window, after the draw, below minTier, or for a raffle without perAmount', () => {
    const big = eur(10_000);
    const at = (occurredAt: string, r = raffle(), ctx = purchaseContext()) =>
      entriesFromPurchase(r, { amount: big, occurredAt }, ctx);
    expect(at(before.toISOString())).toBe(0);
    expect(at(closesAt)).toBe(0);
    expect(at('2026-07-31T23:59:59.999Z')).toBe(5);
    expect(at(during.toISOString(), raffle({ draw: { drawnAt: after.toISOString(), winners: [] } }))).toBe(0);
    expect(at(during.toISOString(), raffle({ minTier: 'silver' }))).toBe(0);
    expect(at(during.toISOString(), raffle({ minTier: 'silver' }), purchaseContext(0, 'gold'))).toBe(5);
    expect(at(during.toISOString(), raffle({ entries: { pointsPerEntry: 10 } }))).toBe(0);
  });

  it('never takes a member over maxPerMember, whatever the purchases (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 20 }), (amounts) => {
        let held = 0;
        for (const value of amounts) {
          const added = entriesFromPurchase(
            raffle(),
            { amount: eur(value), occurredAt: during.toISOString() },
            purchaseContext(held),
          );
          expect(added).toBeGreaterThanOrEqual(0);
          expect(added).toBeLessThanOrEqual(Math.floor(value / 2_000));
          held += added;
        }
        expect(held).toBeLessThanOrEqual(10);
      }),
    );
  });
});

describe('refunds before the draw', () => {
  it('takes back the entries the remaining amount no longer pays for', () => {
    const order = { amount: 10_000, entries: 5 };
    expect(entriesTakenBackByRefund(raffle(), { ...order, refunded: 10_000 })).toBe(5);
    expect(entriesTakenBackByRefund(raffle(), { ...order, refunded: 3_000 })).toBe(2);
    expect(entriesTakenBackByRefund(raffle(), { ...order, refunded: 1 })).toBe(1);
    // Capped at 2 by maxPerMember: a remaining 6,000 still pays for both.
    expect(entriesTakenBackByRefund(raffle(), { amount: 10_000, entries: 2, refunded: 4_000 })).toBe(0);
    expect(entriesTakenBackByRefund(raffle(), { amount: 10_000, entries: 2, refunded: 7_000 })).toBe(1);
  });

  it('takes nothing back after the draw', () => {
    const drawn = raffle({ draw: { drawnAt: after.toISOString(), winners: [] } });
    expect(entriesTakenBackByRefund(drawn, { amount: 10_000, entries: 5, refunded: 10_000 })).toBe(0);
  });

  it('a sequence of partial refunds leaves what the net amount pays for (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { maxLength: 8 }),
        (amount, refunds) => {
          const granted = entriesFromPurchase(
            raffle({ entries: { perAmount: { value: 2_000, currency: 'EUR' } } }),
            { amount: { value: amount, currency: 'EUR' }, occurredAt: during.toISOString() },
            { held: 0, tierId: 'member', program: defaultProgram },
          );
          let entries = granted;
          let refunded = 0;
          for (const step of refunds) {
            if (refunded + step > amount) break;
            refunded += step;
            const back = entriesTakenBackByRefund(raffle(), { amount, refunded, entries });
            expect(back).toBeGreaterThanOrEqual(0);
            entries -= back;
          }
          expect(entries).toBe(Math.floor((amount - refunded) / 2_000));
        },
      ),
    );
  });
});

describe('buying entries with points', () => {
  it('debits count × pointsPerEntry with a redeem movement', () => {
    const bought = buyEntriesWithPoints(raffle(), member(1_000), 3, context(2));
    expect(bought).toMatchObject({ raffleId: 'summer', entries: 3, points: 300 });
    expect(bought.movement).toMatchObject({ type: 'redeem', points: -300, redemption: true });
  });

  it('refuses before it opens, after it closes, once drawn', () => {
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(1_000), 1, context(0, before)))).toBe('raffle-not-open');
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(1_000), 1, context(0, new Date(closesAt))))).toBe(
      'raffle-not-open',
    );
    const drawn = raffle({ closesAt: during.toISOString(), draw: { drawnAt: during.toISOString(), winners: [] } });
    expect(refusal(() => buyEntriesWithPoints(drawn, member(1_000), 1, context()))).toBe('raffle-not-open');
  });

  it('refuses a raffle that takes no points, a tier too low, over maxPerMember, too few points', () => {
    const purchasesOnly = raffle({ entries: { perAmount: { value: 2_000, currency: 'EUR' } } });
    expect(refusal(() => buyEntriesWithPoints(purchasesOnly, member(1_000), 1, context()))).toBe(
      'raffle-points-not-accepted',
    );
    const forSilver = raffle({ minTier: 'silver' });
    expect(refusal(() => buyEntriesWithPoints(forSilver, member(1_000), 1, context()))).toBe('tier-too-low');
    expect(buyEntriesWithPoints(forSilver, member(1_000, 60_000), 1, context()).entries).toBe(1);
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(10_000), 3, context(8)))).toBe('raffle-entry-limit');
    expect(buyEntriesWithPoints(raffle(), member(10_000), 2, context(8)).entries).toBe(2);
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(299), 3, context()))).toBe('insufficient-points');
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(-5), 1, context()))).toBe('negative-balance');
  });

  it('says why in the order a member would want: closed before tier, tier before limit, limit before points', () => {
    const strict = raffle({ minTier: 'gold' });
    expect(refusal(() => buyEntriesWithPoints(strict, member(0), 50, context(10, after)))).toBe('raffle-not-open');
    expect(refusal(() => buyEntriesWithPoints(strict, member(0), 50, context(10)))).toBe('tier-too-low');
    expect(refusal(() => buyEntriesWithPoints(raffle(), member(0), 50, context(10)))).toBe('raffle-entry-limit');
  });
});

describe('the draw', () => {
  const entries = [
    { memberId: 'm2', entries: 3 },
    { memberId: 'm1', entries: 2 },
  ];

  it('is refused before closesAt', () => {
    expect(refusal(() => drawRaffle(raffle(), entries, during))).toBe('raffle-not-closed');
    expect(drawRaffle(raffle(), entries, new Date(closesAt)).first).toBe(true);
  });

  it('draws from the stored seed, and a second draw answers the first', () => {
    const first = drawRaffle(raffle(), entries, after);
    expect(first.winners).toEqual(drawWinners(SEED, entries, rules.prizes));
    const drawn = raffle({ draw: { drawnAt: first.drawnAt, winners: first.winners } });
    const again = drawRaffle(drawn, [{ memberId: 'm9', entries: 100 }], new Date('2026-09-01T00:00:00.000Z'));
    expect(again).toEqual({ drawnAt: first.drawnAt, winners: first.winners, first: false });
  });

  it('shows the seed only after the draw, and each member what they won', () => {
    const open = raffleView(raffle(), during);
    expect(open).not.toHaveProperty('seed');
    expect(JSON.stringify(open)).not.toContain(SEED);
    expect(open).toMatchObject({ status: 'open', seedHash: seedHashOf(SEED) });
    expect(Raffle.parse(open)).toBeTruthy();
    expect(raffleStatus(raffle(), before)).toBe('scheduled');
    expect(raffleStatus(raffle(), after)).toBe('closed');

    const { winners, drawnAt } = drawRaffle(raffle(), entries, after);
    const drawn = raffle({ draw: { drawnAt, winners } });
    const view = raffleView(drawn, after);
    expect(view).toMatchObject({ status: 'drawn', seed: SEED, winners });
    expect(Raffle.parse(view)).toBeTruthy();

    const m1 = memberRaffleView(drawn, 'm1', 2);
    expect(m1.won).toEqual(winners.filter((w) => w.memberId === 'm1').map((w) => ({ prizeId: w.prizeId })));
    expect(MemberRaffle.parse(m1)).toEqual(m1);
    expect(memberRaffleView(raffle(), 'm1', 2)).toEqual({ raffleId: 'summer', entries: 2, won: [] });
  });
});

describe('entries schemas', () => {
  it('buying takes a positive integer count and nothing else', () => {
    expect(BuyEntriesRequest.safeParse({ count: 3 }).success).toBe(true);
    for (const body of [{ count: 0 }, { count: 1.5 }, {}, { count: 1, extra: true }]) {
      expect(BuyEntriesRequest.safeParse(body).success).toBe(false);
    }
    expect(RaffleEntries.safeParse({ memberId: 'm1', entries: 4 }).success).toBe(true);
  });
});

describe('bounds kept for storage', () => {
  it('refuses more than 2,000 prize units in all, so the winners fit the raffle item', () => {
    const prizes = [
      { prizeId: 'a', name: 'A', quantity: 1_500 },
      { prizeId: 'b', name: 'B', quantity: 500 },
    ];
    expect(raffleRulesProblems({ ...rules, prizes })).toEqual([]);
    expect(raffleRulesProblems({ ...rules, prizes: [...prizes, { prizeId: 'c', name: 'C', quantity: 1 }] })).toEqual([
      { path: 'prizes', message: 'must hold at most 2000 units in all (2001 given)' },
    ]);
  });

  it('refuses an 11th overlapping raffle taking purchase entries; closed, drawn, disjoint and points-only ones do not count', () => {
    const others = Array.from({ length: 9 }, (_, i) => raffle({ raffleId: `r${i}` }));
    const ignored = [
      raffle({ raffleId: 'closed', entriesClosedAt: after.toISOString() }),
      raffle({ raffleId: 'drawn', draw: { drawnAt: after.toISOString(), winners: [] } }),
      raffle({ raffleId: 'later', opensAt: closesAt, closesAt: '2026-09-01T00:00:00.000Z' }),
      raffle({ raffleId: 'points', entries: { pointsPerEntry: 5 } }),
    ];
    expect(() => assertRoomForPurchaseEntries('new', rules, [...others, ...ignored])).not.toThrow();
    // Replacing one of the ten itself is not an eleventh.
    const ten = [...others, raffle({ raffleId: 'r9' })];
    expect(() => assertRoomForPurchaseEntries('r9', rules, ten)).not.toThrow();
    expect(refusal(() => assertRoomForPurchaseEntries('new', rules, ten))).toBe('raffle-limit');
    expect(() => assertRoomForPurchaseEntries('new', { ...rules, entries: { pointsPerEntry: 1 } }, ten)).not.toThrow();
  });

  it('neither adds nor takes back entries once the draw closed them, and sells none', () => {
    const closed = raffle({ entriesClosedAt: during.toISOString() });
    const purchase = { amount: { value: 10_000, currency: 'EUR' }, occurredAt: during.toISOString() };
    expect(entriesFromPurchase(closed, purchase, { held: 0, tierId: 'member', program: defaultProgram })).toBe(0);
    expect(entriesTakenBackByRefund(closed, { amount: 10_000, refunded: 10_000, entries: 5 })).toBe(0);
    expect(refusal(() => buyEntriesWithPoints(closed, member(1_000), 1, context()))).toBe('raffle-not-open');
    expect(raffleView(closed, during)).not.toHaveProperty('entriesClosedAt');
  });

  it('puts raffleId on the redeem movement of bought entries', () => {
    expect(buyEntriesWithPoints(raffle(), member(1_000), 2, context()).movement).toMatchObject({
      type: 'redeem',
      points: -200,
      raffleId: 'summer',
    });
  });
});

describe('the raffle.won data', () => {
  const winner = (units: number) => ({
    memberId: 'mem_01',
    won: Array.from({ length: units }, (_, i) => ({ prizeId: 'mug', entry: i + 1 })),
  });

  it('lists each unit while that fits one event, else only the count, and never passes the budget', () => {
    const raffle = { raffleId: 'summer', name: 'Summer raffle' };
    expect(raffleWonData(raffle, winner(2), EVENT_DATA_BUDGET_BYTES)).toEqual({
      raffleId: 'summer',
      memberId: 'mem_01',
      units: 2,
      name: 'Summer raffle',
      won: [
        { prizeId: 'mug', entry: 1 },
        { prizeId: 'mug', entry: 2 },
      ],
    });
    expect(raffleWonData(raffle, winner(2_000), EVENT_DATA_BUDGET_BYTES)).toEqual({
      raffleId: 'summer',
      memberId: 'mem_01',
      units: 2_000,
      name: 'Summer raffle',
    });
    const longest = { raffleId: 'r'.repeat(128), name: '𝄞'.repeat(200) };
    const data = raffleWonData(longest, winner(2_000), EVENT_DATA_BUDGET_BYTES);
    expect(data).toEqual({ raffleId: longest.raffleId, memberId: 'mem_01', units: 2_000 });
    expect(new TextEncoder().encode(JSON.stringify(data)).length).toBeLessThanOrEqual(EVENT_DATA_BUDGET_BYTES);
  });

  it('groups the winners by member in the order each first won, and cuts them into batches of 49', () => {
    const winners = Array.from({ length: 2_000 }, (_, i) => ({ prizeId: 'mug', memberId: `m${i % 100}`, entry: 1 }));
    const wins = winsByMember(winners);
    expect(wins.map((w) => w.memberId)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(wins.every((w) => w.won.length === 20)).toBe(true);
    expect(announcementBatches(wins).map((b) => b.wins.length)).toEqual([49, 49, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { newRaffleSeed, seedHashOf } from '@shared/domain/raffle-draw';
import { checkRaffleDraw } from '@shared/console/app/raffle-check';
import { drawnRaffle } from '../support/drawn-raffle';

/** The console's in-browser check of a draw (Web Crypto, as Node has it too) against the domain's own draw. */
const prizes = [
  { prizeId: 'bike', name: 'City bike', quantity: 2 },
  { prizeId: 'mug', name: 'Mug', quantity: 9 },
];

const entries = Array.from({ length: 40 }, (_, i) => ({
  memberId: `mem_01JA${String(i * 7919).padStart(22, '0')}`,
  entries: 1 + (i % 5),
}));

describe("the console's raffle check", () => {
  it('re-draws the winners the domain drew and confirms the seed, for fresh seeds and entries in any order', async () => {
    for (let run = 0; run < 5; run++) {
      const raffle = drawnRaffle(newRaffleSeed(), entries, prizes);
      const shuffled = entries.toSorted(() => Math.random() - 0.5);
      const check = await checkRaffleDraw(raffle, shuffled);
      expect(check).toMatchObject({ seedHashMatches: true, winnersMatch: true, tickets: 120 });
      expect(check.winners).toEqual(raffle.winners);
      expect(check.winners).toHaveLength(11);
    }
  });

  it('draws no more units than there are tickets', async () => {
    const few = [
      { memberId: 'mem_b', entries: 2 },
      { memberId: 'mem_a', entries: 1 },
    ];
    const check = await checkRaffleDraw(drawnRaffle(newRaffleSeed(), few, prizes), few);
    expect(check).toMatchObject({ seedHashMatches: true, winnersMatch: true, tickets: 3 });
    expect(check.winners).toHaveLength(3);
  });

  it('says so when the seed does not match its hash, or the winners do not follow from the seed and entries', async () => {
    const raffle = drawnRaffle('5e'.repeat(32), entries, prizes);
    const otherHash = await checkRaffleDraw({ ...raffle, seedHash: seedHashOf(newRaffleSeed()) }, entries);
    expect(otherHash).toMatchObject({ seedHashMatches: false, winnersMatch: true });
    const winners = raffle.winners ?? [];
    const swapped = await checkRaffleDraw(
      { ...raffle, winners: [...winners.slice(1), ...winners.slice(0, 1)] },
      entries,
    );
    expect(swapped).toMatchObject({ seedHashMatches: true, winnersMatch: false });
    const oneMore = entries.map((e, i) => (i === 0 ? { ...e, entries: e.entries + 1 } : e));
    expect((await checkRaffleDraw(raffle, oneMore)).winnersMatch).toBe(false);
  });

  it('refuses a raffle not drawn yet (no seed)', async () => {
    const { seed: _seed, ...undrawn } = drawnRaffle(newRaffleSeed(), entries, prizes);
    await expect(checkRaffleDraw(undrawn, entries)).rejects.toThrow('not drawn yet');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newRaffleSeed, seedHashOf } from '@shared/domain/raffle-draw';
import { drawnRaffle } from '../support/drawn-raffle';

const script = fileURLToPath(new URL('../support/raffle-verifier.js', import.meta.url));
const readme = fileURLToPath(new URL('../../shared/README.md', import.meta.url));

/** Runs the published verifier (shared/README.md) with node, the way a member would. */
function verify(raffle: unknown, entries: unknown): { status: number; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'raffle-verify-'));
  writeFileSync(join(dir, 'raffle.json'), JSON.stringify(raffle));
  writeFileSync(join(dir, 'entries.json'), JSON.stringify(entries));
  // shared/README.md says to save it as .mjs: run it under that name, outside this package.
  writeFileSync(join(dir, 'verify-raffle.mjs'), readFileSync(script));
  try {
    const out = execFileSync(process.execPath, ['verify-raffle.mjs', 'raffle.json', 'entries.json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: 0, lines: out.trim().split('\n') };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, lines: failed.stdout.trim().split('\n') };
  }
}

// As the admin entries route lists them: ordered by memberId, one page.
const entries = [
  { memberId: '01JA0000000000000000000001', entries: 4 },
  { memberId: '01JA0000000000000000000002', entries: 1 },
  { memberId: '01JA0000000000000000000003', entries: 7 },
  { memberId: '01JA0000000000000000000004', entries: 2 },
];

describe('the published raffle verifier', () => {
  it('is quoted unchanged in shared/README.md', () => {
    const text = readFileSync(readme, 'utf8');
    const section = text.slice(text.indexOf('## Raffles: a draw anyone can verify'));
    const quoted = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(quoted).toBe(readFileSync(script, 'utf8'));
  });

  it('prints the winners the domain drew and confirms the seedHash, for fresh seeds', () => {
    for (let run = 0; run < 3; run++) {
      const raffle = drawnRaffle(newRaffleSeed(), entries);
      const result = verify(raffle, { items: entries });
      expect(result.status).toBe(0);
      expect(result.lines).toEqual([
        ...(raffle.winners ?? []).map((w) => `${w.prizeId} ${w.memberId} entry ${w.entry}`),
        'seedHash matches the seed',
        'published winners match the draw',
      ]);
      expect(raffle.winners).toHaveLength(7);
    }
  });

  it('agrees when the entries come as a bare array in any order, and with more units than tickets', () => {
    const few = [
      { memberId: 'b', entries: 2 },
      { memberId: 'a', entries: 1 },
    ];
    const raffle = drawnRaffle(newRaffleSeed(), few);
    expect(raffle.winners).toHaveLength(3);
    expect(verify(raffle, few).status).toBe(0);
  });

  it('fails on a seed that does not match seedHash, or on winners that do not follow from the seed', () => {
    // A fixed seed: with a random one, the extra entry below could by chance leave the winners unchanged.
    const raffle = drawnRaffle('5e'.repeat(32), entries);
    const otherSeed = { ...raffle, seedHash: seedHashOf(newRaffleSeed()) };
    expect(verify(otherSeed, entries)).toMatchObject({ status: 1 });
    expect(verify(otherSeed, entries).lines).toContain('seedHash DOES NOT MATCH the seed');

    const winners = raffle.winners ?? [];
    const swapped = { ...raffle, winners: [...winners.slice(1), ...winners.slice(0, 1)] };
    expect(verify(swapped, entries).lines).toContain('published winners DO NOT MATCH the draw');

    const moreEntries = entries.map((e) => (e.entries === 1 ? { ...e, entries: 2 } : e));
    expect(verify(raffle, moreEntries).status).toBe(1);
  });
});

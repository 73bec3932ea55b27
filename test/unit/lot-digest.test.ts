import { describe, expect, it } from 'vitest';
import type { PointsLot } from '@shared/domain/lots';
import { lotBookOf, lotItemsDigest } from '@shared/store/items/lot';

/**
 * The lots' digest (shared/store/items/lot.ts): the fingerprint of a member's live lot items that
 * decides whether lots read beside the member are that member version's book.
 */
const lot = (lotId: string, expiresAt: string | undefined, remaining: number, extra: Partial<PointsLot> = {}) =>
  ({
    lotId,
    points: 100,
    remaining,
    availableAt: '2026-01-01T00:00:00.000Z',
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...extra,
  }) satisfies PointsLot;

const book = [
  lot('a', '2026-03-31T23:59:59.999Z', 40),
  lot('b', '2026-04-30T23:59:59.999Z', 100, { orderId: 'o1', held: true }),
  lot('c', undefined, 100),
];

describe('the lots digest', () => {
  it('is the same whatever the lots order, key order or absent attributes', () => {
    const reordered = [book[2], { ...book[1], held: true, orderId: 'o1' }, { ...book[0], reminded: undefined }].filter(
      (value): value is PointsLot => value !== undefined,
    );
    expect(lotItemsDigest(reordered, undefined)).toBe(lotItemsDigest(book, undefined));
    expect(lotItemsDigest(book, undefined)).toMatch(/^3\./);
  });

  it('changes with any lot item: what it holds, a reminder, a lot more or less', () => {
    const digest = lotItemsDigest(book, undefined);
    const variants: PointsLot[][] = [
      book.map((l) => (l.lotId === 'a' ? { ...l, remaining: 39 } : l)),
      book.map((l) => (l.lotId === 'b' ? { ...l, reminded: true } : l)),
      book.slice(1),
      [...book, lot('d', undefined, 1)],
    ];
    for (const variant of variants) expect(lotItemsDigest(variant, undefined)).not.toBe(digest);
  });

  it('counts only live lots: behind the expiry watermark or spent, a lot item is not part of the book', () => {
    const expiredThrough = '2026-04-01T00:00:00.000Z';
    const live = book.slice(1);
    expect(lotItemsDigest(book, expiredThrough)).toBe(lotItemsDigest(live, expiredThrough));
    expect(lotItemsDigest([...book, lot('spent', undefined, 0)], undefined)).toBe(lotItemsDigest(book, undefined));
    // A lot expiring exactly at the watermark is dead, as the Query from the watermark leaves it out.
    expect(lotBookOf(book, { owed: 0, expiredThrough: '2026-03-31T23:59:59.999Z' }).lots.map((l) => l.lotId)).toEqual([
      'b',
      'c',
    ]);
  });
});

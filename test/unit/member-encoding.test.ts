import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodePendingLots,
  decodeSpendByDay,
  encodePendingLots,
  encodeSpendByDay,
} from '@shared/store/items/member-encoding';
import { DAY_MS } from '@shared/domain/time';

const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * DAY_MS).toISOString().slice(0, 10);

describe('compact member facts', () => {
  it('stores any spend-by-day map exactly, days netted to 0 and negative days included', () => {
    const spendByDay = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -(2 ** 40), max: 2 ** 45 })))
      .map((days) => Object.fromEntries(days.map(([n, value]) => [day(n), value])));
    fc.assert(
      fc.property(spendByDay, (map) => {
        expect(decodeSpendByDay(encodeSpendByDay(map))).toEqual(map);
      }),
    );
  });

  it('keeps a year of daily purchases small: at most 3 bytes a day below 10,000.00 a day', () => {
    const year = Object.fromEntries(Array.from({ length: 365 }, (_, n) => [day(n), 1_000 + (n % 7) * 250]));
    expect(encodeSpendByDay(year).length).toBeLessThanOrEqual(2 + 4 + 365 * 2);
    const big = Object.fromEntries(Array.from({ length: 365 }, (_, n) => [day(n), 999_999]));
    expect(encodeSpendByDay(big).length).toBeLessThanOrEqual(2 + 4 + 365 * 3);
    expect(decodeSpendByDay(encodeSpendByDay({}))).toEqual({});
  });

  it('stores pending cashback lots exactly, to the millisecond', () => {
    const lots = [
      { orderId: 'till-1:0001', value: 123, releaseAt: '2026-03-01T10:11:12.345Z' },
      { orderId: 'web-77', value: 0, releaseAt: '2026-03-02T00:00:00.000Z' },
    ];
    expect(decodePendingLots(encodePendingLots(lots))).toEqual(lots);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { basisPointsOf, floorRatio, minorUnitDigits, proportionalShare } from '@shared/domain/money';

describe('money arithmetic', () => {
  it('knows the minor unit of each currency', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('rounds every derived amount down, once', () => {
    expect(basisPointsOf(1999, 150)).toBe(29); // 29.985 → 29
    expect(floorRatio(12_345, 1, 100)).toBe(123);
    expect(floorRatio(99, 1, 100)).toBe(0);
  });

  it('stays exact beyond 2^53 intermediate products', () => {
    // eslint-disable-next-line no-loss-of-precision -- the literal is the exact quotient; the point is what a double makes of it
    expect(floorRatio(100_000_000_000, 1_000_000, 3)).toBe(33_333_333_333_333_333);
  });

  it('makes cumulative proportional shares add up exactly to the total, whatever the steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 12 }),
        (total, steps) => {
          const whole = steps.reduce((a, b) => a + b, 0);
          let covered = 0;
          let taken = 0;
          for (const step of steps) {
            covered += step;
            const share = proportionalShare(total, covered, whole) - taken;
            expect(share).toBeGreaterThanOrEqual(0);
            taken += share;
          }
          expect(taken).toBe(total);
        },
      ),
    );
  });
});

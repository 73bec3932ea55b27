import { DomainError } from './errors';

/**
 * Money is always an integer count of the currency's minor unit (cents for EUR).
 *
 * The one rounding rule of the engine: every derived amount (points for a purchase,
 * cashback for a purchase, the share of an order a refund reverses) is computed in
 * integers and rounded DOWN (toward zero) once, at the end. Refund reversals are
 * computed cumulatively (see `proportionalShare`), so partial refunds never drift.
 */
export interface Money {
  value: number;
  currency: string;
}

const minorDigitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3). */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

export function minorUnitsPerMajor(currency: string): number {
  return 10 ** minorUnitDigits(currency);
}

export function assertCurrency(amount: Money, programCurrency: string, path: string): void {
  if (amount.currency !== programCurrency) {
    throw new DomainError(
      'currency-mismatch',
      `The program runs in ${programCurrency}; ${amount.currency} is not accepted.`,
      [{ path: `${path}.currency`, message: `must be ${programCurrency}` }],
    );
  }
}

/** floor(value × numerator / denominator) for non-negative integers, exact while the product stays below 2^53. */
export function floorRatio(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const product = value * numerator;
  if (Number.isSafeInteger(product)) return Math.floor(product / denominator);
  return Number((BigInt(value) * BigInt(numerator)) / BigInt(denominator));
}

/** Basis points (1/100 of a percent) of an amount, rounded down. */
export function basisPointsOf(value: number, basisPoints: number): number {
  return floorRatio(value, basisPoints, 10_000);
}

/**
 * The part of `total` that belongs to `covered` out of `whole`, computed cumulatively:
 * callers pass the running total covered so far (including this step) and subtract what
 * earlier steps already took, so a sequence of partial steps always adds up to `total`.
 */
export function proportionalShare(total: number, covered: number, whole: number): number {
  if (whole <= 0) return 0;
  if (covered >= whole) return total;
  return floorRatio(total, covered, whole);
}

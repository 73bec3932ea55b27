import type { Money } from './types';

/** Minor units per major unit of a currency (2 for EUR, 0 for JPY), from the browser's ISO 4217 data. */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(money: Money | null | undefined): string {
  if (!money) return '—';
  return formatMinor(money.value, money.currency);
}

export function formatMinor(value: number, currency: string): string {
  const digits = fractionDigits(currency);
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value / 10 ** digits);
}

/**
 * "12.34" → 1234 minor units, exactly: the text is split at the decimal point rather than
 * multiplied as a float. Undefined when it is not an amount with at most the currency's digits.
 */
export function parseMinor(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const match = /^\s*(-)?(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) return undefined;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return sign ? -minor : minor;
}

/** 12345 minor units of EUR → "123.45": the digits moved, no division. */
export function minorToMajor(value: number, currency: string): string {
  const digits = fractionDigits(currency);
  if (digits === 0) return String(value);
  const sign = value < 0 ? '-' : '';
  const padded = String(Math.abs(value)).padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

export const formatInt = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : new Intl.NumberFormat().format(value);

export const formatRate = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;

export const formatTime = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
export const formatDate = (iso: string | undefined) => (iso ? new Date(iso).toLocaleDateString() : '—');

/** yyyy-mm-dd of a date in UTC (the value of an <input type="date">). */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** An ISO time as the value of an <input type="datetime-local"> (the browser's local time, to the minute). */
export function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
}

import type { PendingCashback } from '@shared/domain/member';
import { DAY_MS } from '@shared/domain/time';

/*
 * Compact storage of the member item's two growing facts. Every use case rewrites the whole
 * member item in a transaction (2 write units per started KB), so its size is what an earn
 * costs. The domain keeps its readable shapes; only the stored bytes change:
 *
 * - `purchases.spendByDay` (net qualifying spend per UTC day over the 365-day tier window) is
 *   stored as `purchases.spendDays`, a Binary: a format byte, the first day (days since
 *   1970-01-01) as a varint, then one varint per day from there: 0 for a day without spend,
 *   zigzag(value) + 1 otherwise (so a day netted to 0 by a refund is kept, as the map keeps it).
 *   A day costs 1–3 bytes instead of ~14 as a map entry, and tiers stay exact to the day.
 * - `cashback.pending` lots are stored as `cashback.pendingLots`, tuples
 *   `[orderId, value, releaseAt in epoch ms]` (~30 bytes instead of ~65).
 *
 * Items written in the earlier layout (a `spendByDay` map, `pending` objects) are still read;
 * the member's next write stores the new layout.
 */

const FORMAT = 1;

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00.000Z`) / DAY_MS);
const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

function pushVarint(bytes: number[], value: number): void {
  // Arithmetic, not bit operators: sums of spend may exceed 32 bits.
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) + 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

function readVarint(bytes: Uint8Array, at: { offset: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at.offset];
    if (byte === undefined) throw new RangeError('truncated spend record');
    at.offset += 1;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}

const zigzag = (value: number) => (value >= 0 ? value * 2 : -value * 2 - 1);
const unzigzag = (coded: number) => (coded % 2 === 0 ? coded / 2 : -(coded + 1) / 2);

export function encodeSpendByDay(spendByDay: Record<string, number>): Uint8Array {
  const days = Object.keys(spendByDay).map(dayNumber);
  const bytes: number[] = [FORMAT];
  if (days.length === 0) return Uint8Array.from(bytes);
  const first = Math.min(...days);
  const last = Math.max(...days);
  pushVarint(bytes, first);
  for (let day = first; day <= last; day += 1) {
    const value = spendByDay[dayString(day)];
    pushVarint(bytes, value === undefined ? 0 : zigzag(value) + 1);
  }
  return Uint8Array.from(bytes);
}

export function decodeSpendByDay(bytes: Uint8Array): Record<string, number> {
  if (bytes[0] !== FORMAT) throw new RangeError(`unknown spend record format ${String(bytes[0])}`);
  const spendByDay: Record<string, number> = {};
  const at = { offset: 1 };
  if (bytes.length === 1) return spendByDay;
  const first = readVarint(bytes, at);
  for (let day = first; at.offset < bytes.length; day += 1) {
    const coded = readVarint(bytes, at);
    if (coded > 0) spendByDay[dayString(day)] = unzigzag(coded - 1);
  }
  return spendByDay;
}

export type StoredPendingLot = [orderId: string, value: number, releaseAtMs: number];

export const encodePendingLots = (lots: PendingCashback[]): StoredPendingLot[] =>
  lots.map((lot) => [lot.orderId, lot.value, Date.parse(lot.releaseAt)]);

export const decodePendingLots = (stored: StoredPendingLot[]): PendingCashback[] =>
  stored.map(([orderId, value, releaseAtMs]) => ({
    orderId,
    value: Number(value),
    releaseAt: new Date(Number(releaseAtMs)).toISOString(),
  }));

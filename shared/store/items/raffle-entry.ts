import { batchGet } from '../batch-get';
import { getItem } from '../get';
import { versionedPut, type Item, type Key, type TransactItem } from '../item';
import { RAFFLE_PREFIX } from './raffle';

/**
 * A member's entries in one raffle, from purchases and points together. Kept in the raffle's
 * own partition, sorted by memberId: the admin entries list (what a verifier needs, in the
 * draw's order) is one Query, and the draw reads it strongly consistent. A member's raffles
 * are found from the (few) raffles by key instead. Only writes that also write the member
 * (on its version) change this item, so a member's entries never race each other.
 */
export const RAFFLE_ENTRIES_PREFIX = 'ENTRIES#';
export const raffleEntriesPartition = (raffleId: string) => `${RAFFLE_PREFIX}${raffleId}`;
export const raffleEntryKey = (raffleId: string, memberId: string): Key => ({
  PK: raffleEntriesPartition(raffleId),
  SK: `${RAFFLE_ENTRIES_PREFIX}${memberId}`,
});

export interface RaffleEntry {
  raffleId: string;
  memberId: string;
  entries: number;
  /** Optimistic-concurrency token; 0 for entries not stored yet. */
  version: number;
}

export function itemToRaffleEntry(item: Item): RaffleEntry {
  return {
    raffleId: String(item.raffleId),
    memberId: String(item.memberId),
    entries: Number(item.entries),
    version: Number(item.version),
  };
}

/** The member's entries in the raffle (0 entries, version 0 when none were ever stored). */
export async function findRaffleEntry(raffleId: string, memberId: string): Promise<RaffleEntry> {
  const item = await getItem(raffleEntryKey(raffleId, memberId));
  return item ? itemToRaffleEntry(item) : { raffleId, memberId, entries: 0, version: 0 };
}

/** The member's entries in each of these raffles that has some (one BatchGet per 100 raffles). */
export async function findMemberEntries(raffleIds: string[], memberId: string): Promise<Map<string, number>> {
  const items = await batchGet(raffleIds.map((raffleId) => raffleEntryKey(raffleId, memberId)));
  return new Map(items.map(itemToRaffleEntry).map((entry) => [entry.raffleId, entry.entries]));
}

/**
 * The member's entries from now on, conditioned on the version read. Entries going to 0 are
 * stored as 0 (not deleted), so the version keeps counting; lists skip them.
 */
export function raffleEntryPut(read: RaffleEntry, entries: number): TransactItem {
  const item = {
    ...raffleEntryKey(read.raffleId, read.memberId),
    entity: 'raffle-entry',
    raffleId: read.raffleId,
    memberId: read.memberId,
    entries,
    version: read.version + 1,
  };
  return versionedPut(item, read.version === 0 ? undefined : read.version);
}

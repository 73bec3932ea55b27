import { MAX_LATE_DAYS } from '@shared/domain/order';
import { DAY_MS } from '@shared/domain/time';
import { decodeCursor, encodeCursor } from './cursor';
import {
  findMemberEntries,
  itemToRaffleEntry,
  RAFFLE_ENTRIES_PREFIX,
  raffleEntriesPartition,
} from './items/raffle-entry';
import { itemToRaffle, RAFFLE_PREFIX, RAFFLES_PARTITION, type StoredRaffle } from './items/raffle';
import { filteredPage, queryAll, type Page } from './query';

/** The read paths over raffles and their entries: Queries of one partition each, never a Scan. */

/** Raffles in raffleId order that pass `keep`. */
export function listRaffles(
  page: { limit: number; cursor?: string | undefined },
  keep: (stored: StoredRaffle) => boolean,
): Promise<Page<StoredRaffle>> {
  return filteredPage('raffles', RAFFLES_PARTITION, RAFFLE_PREFIX, page, (item) => {
    const stored = itemToRaffle(item);
    return keep(stored) ? stored : undefined;
  });
}

/** Every raffle (admins create them by hand: tens to hundreds, one partition). */
export async function allRaffles(): Promise<StoredRaffle[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': RAFFLES_PARTITION, ':prefix': RAFFLE_PREFIX },
    ConsistentRead: true,
  });
  return items.map(itemToRaffle);
}

/**
 * The raffles a member holds entries in, in raffleId order, with the entries. The entries live
 * in each raffle's partition (for the draw), so this reads the raffles (one partition) and asks
 * for the member's entries in up to 100 of them per BatchGet, until the page is full.
 */
export async function memberRafflePage(
  memberId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<{ raffle: StoredRaffle['raffle']; entries: number }>> {
  const list = `member-raffles:${memberId}`;
  const after = page.cursor ? decodeCursor(page.cursor, list) : '';
  const raffles = (await allRaffles()).filter(({ raffle }) => raffle.raffleId > after);
  const items: { raffle: StoredRaffle['raffle']; entries: number }[] = [];
  for (let start = 0; start < raffles.length; start += 100) {
    const chunk = raffles.slice(start, start + 100);
    const held = await findMemberEntries(
      chunk.map(({ raffle }) => raffle.raffleId),
      memberId,
    );
    for (const [index, { raffle }] of chunk.entries()) {
      const entries = held.get(raffle.raffleId) ?? 0;
      if (entries <= 0) continue;
      items.push({ raffle, entries });
      if (items.length === page.limit) {
        const more = start + index < raffles.length - 1;
        return more ? { items, nextCursor: encodeCursor(list, raffle.raffleId) } : { items };
      }
    }
  }
  return { items };
}

/** One page of `{ memberId, entries }` in memberId order, members whose entries went back to 0 left out. */
export function raffleEntriesPage(
  raffleId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<{ memberId: string; entries: number }>> {
  const list = `raffle-entries:${raffleId}`;
  return filteredPage(list, raffleEntriesPartition(raffleId), RAFFLE_ENTRIES_PREFIX, page, (item) => {
    const { memberId, entries } = itemToRaffleEntry(item);
    return entries > 0 ? { memberId, entries } : undefined;
  });
}

/** Every member's entries, read strongly consistent: what the draw draws from. */
export async function allRaffleEntries(raffleId: string): Promise<{ memberId: string; entries: number }[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': raffleEntriesPartition(raffleId), ':prefix': RAFFLE_ENTRIES_PREFIX },
    ConsistentRead: true,
  });
  return items
    .map(itemToRaffleEntry)
    .filter((entry) => entry.entries > 0)
    .map(({ memberId, entries }) => ({ memberId, entries }));
}

/**
 * The raffles an earn may add entries to: they take purchase entries, their entries are not
 * closed, and they close less than 90 days ago (no purchase older than that is accepted).
 * Read like the program: at most once per cache period per function instance, so an earn
 * costs no extra read while no raffle runs. A raffle created or drawn meanwhile is seen
 * within that period; a stale entry here is harmless, because the earn's write checks the
 * raffle's revision and open entries (`raffleEntriesOpenCheck`) and forgets this cache when
 * that check fails.
 */
const cacheSeconds = () => Number(process.env.PROGRAM_CACHE_SECONDS ?? 60);
let cached: { raffles: StoredRaffle[]; readAt: number } | undefined;

export async function rafflesTakingPurchases(now: Date): Promise<StoredRaffle[]> {
  const at = Date.now();
  if (!cached || at - cached.readAt >= cacheSeconds() * 1000) {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: 'attribute_exists(#entries.#perAmount) AND attribute_not_exists(#closed)',
      ExpressionAttributeNames: { '#entries': 'entries', '#perAmount': 'perAmount', '#closed': 'entriesClosedAt' },
      ExpressionAttributeValues: { ':pk': RAFFLES_PARTITION, ':prefix': RAFFLE_PREFIX },
    });
    cached = { raffles: items.map(itemToRaffle), readAt: at };
  }
  const oldest = now.getTime() - MAX_LATE_DAYS * DAY_MS;
  return cached.raffles.filter(({ raffle }) => Date.parse(raffle.closesAt) > oldest);
}

export function forgetCachedRaffles(): void {
  cached = undefined;
}

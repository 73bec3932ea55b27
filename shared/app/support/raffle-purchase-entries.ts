import type { MemberState } from '@shared/domain/member';
import type { OrderState } from '@shared/domain/order';
import { entriesFromPurchase, entriesTakenBackByRefund } from '@shared/domain/raffle';
import { tierBeforePurchase } from '@shared/domain/tiers';
import type { Program } from '@shared/schemas/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { VersionConflictError } from '@shared/store/errors';
import { findRaffle, raffleEntriesOpenCheck, type StoredRaffle } from '@shared/store/items/raffle';
import { findRaffleEntry, raffleEntryPut } from '@shared/store/items/raffle-entry';
import { forgetCachedRaffles, rafflesTakingPurchases } from '@shared/store/raffles';

/**
 * Raffle entries that come and go with purchases, as part of the earn's and the refund's own
 * transaction: the order to store (it remembers the entries it gave, per raffle) and the
 * writes to add to the transaction (per raffle: the member's entries, and a check that the
 * raffle's rules are those read and its entries not closed for the draw).
 */
export interface RaffleEntriesChange {
  order: OrderState;
  writes: ConditionalWrite[];
}

/** The check every entries write carries; failing, it forgets the cached raffles, so the retry reads them again. */
export function raffleEntriesStillOpen(stored: StoredRaffle): ConditionalWrite {
  return {
    item: raffleEntriesOpenCheck({ raffleId: stored.raffle.raffleId, revision: stored.revision }),
    onConditionFailed: () => {
      forgetCachedRaffles();
      return new VersionConflictError();
    },
  };
}

/**
 * An earn's entries: ⌊amount / perAmount⌋ in each raffle whose window holds the purchase's
 * `occurredAt`, at the tier the purchase earns at, capped by `maxPerMember`. Costs no read
 * while no raffle runs (the raffles are cached); one read of the member's entries per raffle
 * the purchase enters. At most MAX_OVERLAPPING_PURCHASE_RAFFLES raffles, two items each.
 */
export async function enterPurchaseInRaffles(
  program: Program,
  member: MemberState,
  recorded: OrderState | undefined,
  order: OrderState,
  now: Date,
): Promise<RaffleEntriesChange> {
  const purchase = { amount: { value: order.amount, currency: order.currency }, occurredAt: order.occurredAt };
  const tierId = tierBeforePurchase(program, member, recorded, now).id;
  const context = { held: 0, tierId, program };
  const candidates = (await rafflesTakingPurchases(now)).filter(
    (stored) => entriesFromPurchase(stored.raffle, purchase, context) > 0,
  );
  if (candidates.length === 0) return { order, writes: [] };
  const held = await Promise.all(candidates.map((s) => findRaffleEntry(s.raffle.raffleId, member.memberId)));
  const raffleEntries = { ...order.raffleEntries };
  const writes: ConditionalWrite[] = [];
  candidates.forEach((stored, i) => {
    const read = held[i];
    if (!read) return;
    const entries = entriesFromPurchase(stored.raffle, purchase, { ...context, held: read.entries });
    if (entries <= 0) return;
    raffleEntries[stored.raffle.raffleId] = entries;
    writes.push({ item: raffleEntryPut(read, read.entries + entries) }, raffleEntriesStillOpen(stored));
  });
  return writes.length > 0 ? { order: { ...order, raffleEntries }, writes } : { order, writes };
}

/**
 * A refund's take-back: in each raffle the order gave entries to, the entries its remaining
 * amount no longer pays for, unless the raffle's entries closed for the draw (then nothing).
 * `refunded` is the order after this refund.
 */
export async function takeBackRaffleEntries(refunded: OrderState): Promise<RaffleEntriesChange> {
  const given = Object.entries(refunded.raffleEntries ?? {}).filter(([, entries]) => entries > 0);
  if (given.length === 0) return { order: refunded, writes: [] };
  const raffleEntries = { ...refunded.raffleEntries };
  const writes: ConditionalWrite[] = [];
  for (const [raffleId, entries] of given) {
    const stored = await findRaffle(raffleId);
    if (!stored) continue;
    const back = entriesTakenBackByRefund(stored.raffle, {
      amount: refunded.amount,
      refunded: refunded.refunded,
      entries,
    });
    if (back <= 0) continue;
    const read = await findRaffleEntry(raffleId, refunded.memberId);
    raffleEntries[raffleId] = entries - back;
    writes.push({ item: raffleEntryPut(read, Math.max(0, read.entries - back)) }, raffleEntriesStillOpen(stored));
  }
  return writes.length > 0 ? { order: { ...refunded, raffleEntries }, writes } : { order: refunded, writes };
}

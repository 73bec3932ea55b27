import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { buyEntriesWithPoints } from '@shared/domain/raffle';
import { findRaffle } from '@shared/store/items/raffle';
import { findRaffleEntry, raffleEntryPut } from '@shared/store/items/raffle-entry';
import { currentProgram } from '@shared/store/program';
import { postingContext } from './support/posting';
import { raffleEntriesStillOpen } from './support/raffle-purchase-entries';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, postedEntry, type UseCase } from './support/outcome';

export interface BoughtEntries {
  /** Entries the member holds in the raffle after this purchase. */
  entries: number;
  /** The `redeem` ledger entry, with `raffleId`. */
  entry: LedgerEntry;
}

/**
 * Buys raffle entries with points: the member's `redeem` entry and the member's entries in the
 * raffle, in one transaction that also checks the raffle's entries are still open (a draw
 * that started meanwhile makes this a 409 raffle-not-open on the retry).
 */
export function buyRaffleEntries(memberId: string, raffleId: string, count: number): UseCase<BoughtEntries> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const [member, stored, held] = await Promise.all([
        loadActiveMember(memberId, now, { lots: true }),
        findRaffle(raffleId),
        findRaffleEntry(raffleId, memberId),
      ]);
      if (!stored) throw new DomainError('raffle-not-found', `No raffle ${raffleId}.`);
      const bought = buyEntriesWithPoints(stored.raffle, member, count, { held: held.entries, program, now });
      const { member: next, entries } = postMovements(member, [bought.movement], postingContext(caller, program, now));
      const total = held.entries + bought.entries;
      return outcome(
        { entries: total, entry: postedEntry(entries, 'first') },
        {
          members: [memberChange(member, next, entries)],
          writes: [{ item: raffleEntryPut(held, total) }, raffleEntriesStillOpen(stored)],
        },
      );
    };
  };
}

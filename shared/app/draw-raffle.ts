import { DomainError } from '@shared/domain/errors';
import { drawRaffle as drawWinnersOnce, raffleView, type RaffleState } from '@shared/domain/raffle';
import type { RaffleWinner } from '@shared/domain/raffle-draw';
import { closeRaffleEntries, findRaffle, rafflePut, type StoredRaffle } from '@shared/store/items/raffle';
import { allRaffleEntries } from '@shared/store/raffles';
import { outcome, type EmittedEvent, type UseCase } from './use-case';

async function raffleOrNotFound(raffleId: string): Promise<StoredRaffle> {
  const stored = await findRaffle(raffleId);
  if (!stored) throw new DomainError('raffle-not-found', `No raffle ${raffleId}.`);
  return stored;
}

/**
 * One `raffle.won` per winning member, with the prize units it won (a member may win several).
 * The events store (landing separately) writes them with the draw. A draw has at most
 * MAX_PRIZE_UNITS winners, more than one transaction holds: the writer is expected to put
 * the first ones in the draw's transaction and the rest in follow-up writes with ids derived
 * from (raffleId, memberId), which a repeated draw call (it answers the first draw) completes.
 */
function wonEvents(raffle: RaffleState, winners: RaffleWinner[]): EmittedEvent[] {
  const byMember = new Map<string, { prizeId: string; entry: number }[]>();
  for (const { memberId, prizeId, entry } of winners) {
    byMember.set(memberId, [...(byMember.get(memberId) ?? []), { prizeId, entry }]);
  }
  return [...byMember].map(([memberId, won]) => ({
    type: 'raffle.won',
    data: { raffleId: raffle.raffleId, name: raffle.name, memberId, won },
  }));
}

/**
 * The draw, once. From `closesAt` on: first closes the raffle's entries (a conditional update
 * of the raffle item, see `closeRaffleEntries`), so that no earn, refund or purchase of entries
 * can change them any more; then, as the use case's one transaction, reads the entries
 * strongly consistent, draws and stores the winners on the condition that the raffle is still
 * the revision read. Two draws at once: both close (the second is a no-op), both draw the same
 * winners from the same seed and entries, one write wins; the other re-reads the raffle and
 * answers its draw. A raffle already drawn answers its first draw (no write).
 */
export function drawRaffle(raffleId: string): UseCase<ReturnType<typeof raffleView>> {
  return async (caller) => {
    const now = caller.now();
    const before = await raffleOrNotFound(raffleId);
    if (!before.raffle.draw) {
      drawWinnersOnce(before.raffle, [], now); // 409 raffle-not-closed before closesAt, nothing written
      await closeRaffleEntries(raffleId, now);
    }
    return async (at) => {
      const stored = await raffleOrNotFound(raffleId);
      if (stored.raffle.draw) return outcome(raffleView(stored.raffle, at));
      if (!stored.raffle.entriesClosedAt) throw new Error(`raffle ${raffleId} entries were not closed before the draw`);
      const drawn = drawWinnersOnce(stored.raffle, await allRaffleEntries(raffleId), at);
      const raffle: RaffleState = { ...stored.raffle, draw: { drawnAt: drawn.drawnAt, winners: drawn.winners } };
      const decided = outcome(raffleView(raffle, at), { writes: [{ item: rafflePut(raffle, stored.revision) }] });
      decided.events.push(...wonEvents(raffle, drawn.winners));
      return decided;
    };
  };
}

import { DomainError } from '@shared/domain/errors';
import { EVENT_DATA_BUDGET_BYTES, memberEvents } from '@shared/domain/events';
import {
  announcementBatches,
  drawRaffle as drawWinnersOnce,
  raffleView,
  raffleWonData,
  winsByMember,
  type MemberWin,
  type RaffleState,
} from '@shared/domain/raffle';
import { newEventId } from '@shared/ids';
import { mapWithConcurrency } from '@shared/store/activity';
import { commit } from '@shared/store/commit';
import { eventWrites } from '@shared/store/items/event';
import { findMember, memberSequenceMove } from '@shared/store/items/member';
import {
  announcedBatches,
  announcementPut,
  batchAnnounced,
  closeRaffleEntries,
  findRaffle,
  rafflePut,
  type StoredRaffle,
} from '@shared/store/items/raffle';
import { allRaffleEntries } from '@shared/store/raffles';
import { withWriteRetries } from '@shared/store/retry';
import { auditPut } from '@shared/store/items/audit';
import { auditActor, idempotencyKeyUsed } from './support/execute';
import { outcome, prepareThenDecide, type Caller, type UseCase } from './support/outcome';

/** Announcement batches written at once by one draw call: 41 batches (2,000 winners) in about 11 rounds. */
const ANNOUNCE_CONCURRENCY = 4;

async function raffleOrNotFound(raffleId: string): Promise<StoredRaffle> {
  const stored = await findRaffle(raffleId);
  if (!stored) throw new DomainError('raffle-not-found', `No raffle ${raffleId}.`);
  return stored;
}

/**
 * The draw, in three steps that each may run again, so that a call cut short (a deadline, a
 * crash) is finished by the next call, and concurrent calls all finish it and answer the same:
 *
 * 1. From `closesAt` on, close the raffle's entries (a conditional update of the raffle item,
 *    see `closeRaffleEntries`): no earn, refund or purchase of entries changes them any more.
 * 2. Record the draw: read the entries strongly consistent, draw, store the winners on the
 *    raffle item on the condition that it is still the revision read. Concurrent draws draw
 *    the same winners from the same seed and entries; one write wins, the others read it.
 * 3. Announce it: one `raffle.won` per winning member, about that member (its `memberId` and
 *    its next `sequence`: the member's version moves on in the same transaction). A raffle has
 *    up to 2,000 winners, more than one transaction holds, so they go in batches of 49 members,
 *    each batch ONE transaction with a marker item that exists once: a batch is announced once
 *    whoever runs it. Each call announces the batches without a marker, in a random order, so
 *    concurrent calls mostly work on different batches.
 *
 * Only then does the call answer (201, the drawn raffle), and its idempotency record is saved:
 * a replay means everything was announced. An erased member's win is published in the
 * winners list but announced to nobody.
 */
export function drawRaffle(raffleId: string): UseCase<ReturnType<typeof raffleView>> {
  const answer = async (at: Date) => outcome(raffleView((await raffleOrNotFound(raffleId)).raffle, at));
  return async (caller) => {
    // A used key answers the first response (or 422) from the record: it must not draw anything else.
    if (await idempotencyKeyUsed(caller)) return answer;
    return prepareThenDecide(() => drawAndAnnounce(raffleId, caller), answer);
  };
}

/** Steps 1 to 3, each finished if an earlier call did not (the `prepare` step: running it again draws nothing new). */
async function drawAndAnnounce(raffleId: string, caller: Caller): Promise<void> {
  const raffle = await recordDraw(raffleId, caller);
  await announceWinners(raffle, caller.now);
}

/** Steps 1 and 2: the raffle with its draw, recorded now or by an earlier call. */
async function recordDraw(raffleId: string, caller: Caller): Promise<RaffleState> {
  const { now } = caller;
  const before = await raffleOrNotFound(raffleId);
  if (before.raffle.draw) return before.raffle;
  drawWinnersOnce(before.raffle, [], now()); // 409 raffle-not-closed before closesAt, nothing written
  await closeRaffleEntries(raffleId, now());
  return withWriteRetries(async () => {
    const stored = await raffleOrNotFound(raffleId);
    if (stored.raffle.draw) return stored.raffle;
    if (!stored.raffle.entriesClosedAt) throw new Error(`raffle ${raffleId} entries were not closed before the draw`);
    const at = now();
    const drawn = drawWinnersOnce(stored.raffle, await allRaffleEntries(raffleId), at);
    const raffle: RaffleState = { ...stored.raffle, draw: { drawnAt: drawn.drawnAt, winners: drawn.winners } };
    // The draw is audited in its own transaction: an audit record exactly when a draw is recorded.
    const audit = auditPut(
      {
        kind: 'raffle.drawn',
        target: `raffle:${raffleId}`,
        summary: `Raffle ${raffleId} drawn: ${drawn.winners.length} winning entries`,
      },
      await auditActor(caller),
      at,
    );
    await commit(
      { members: [], writes: [{ item: rafflePut(raffle, stored.revision) }, { item: audit }] },
      undefined,
      at,
    );
    return raffle;
  });
}

/** Step 3: every batch of winners not announced yet. */
async function announceWinners(raffle: RaffleState, now: () => Date): Promise<void> {
  const batches = announcementBatches(winsByMember(raffle.draw?.winners ?? []));
  if (batches.length === 0) return;
  const announced = await announcedBatches(raffle.raffleId);
  const left = inRandomOrder(batches.filter((batch) => !announced.has(batch.index)));
  await mapWithConcurrency(left, ANNOUNCE_CONCURRENCY, (batch) => announceBatch(raffle, batch, now));
}

/**
 * One batch as one transaction: per active winner the member's version moved on from the one
 * read and its event under the next sequence, and the batch's marker. A member written
 * meanwhile fails its condition: read again and retry. Another call that announced the batch
 * first fails the marker's condition: the retry finds the marker and stops.
 */
async function announceBatch(
  raffle: RaffleState,
  batch: { index: number; wins: MemberWin[] },
  now: () => Date,
): Promise<void> {
  await withWriteRetries(async () => {
    if (await batchAnnounced(raffle.raffleId, batch.index)) return;
    const members = await Promise.all(batch.wins.map((win) => findMember(win.memberId)));
    const at = now();
    const moves = [];
    const events = [];
    for (const [index, win] of batch.wins.entries()) {
      const member = members[index];
      if (member?.status !== 'active') continue;
      moves.push({ item: memberSequenceMove(win.memberId, member.version) });
      const data = raffleWonData(raffle, win, EVENT_DATA_BUDGET_BYTES);
      events.push(
        ...memberEvents(
          { memberId: win.memberId, version: member.version + 1 },
          [{ type: 'raffle.won', data }],
          at.toISOString(),
          newEventId,
        ),
      );
    }
    const marker = { item: announcementPut(raffle.raffleId, batch.index, at) };
    await commit({ members: [], writes: [...moves, ...eventWrites(events), marker] }, undefined, at);
  });
}

function inRandomOrder<T>(items: T[]): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}

import { drawRaffle, raffleView, type RaffleState } from '@shared/domain/raffle';
import { seedHashOf } from '@shared/domain/raffle-draw';

/**
 * A raffle drawn by the domain's own draw from `seed` over `entries`, as `GET /v1/raffles/{id}`
 * shows it afterwards: what the verifiers (the published script, the console's check) re-run.
 */
export function drawnRaffle(
  seed: string,
  entries: { memberId: string; entries: number }[],
  prizes: RaffleState['prizes'] = [
    { prizeId: 'bike', name: 'City bike', quantity: 1 },
    { prizeId: 'mug', name: 'Mug', quantity: 6 },
  ],
) {
  const open: RaffleState = {
    raffleId: 'summer',
    name: 'Summer raffle',
    opensAt: '2026-07-01T00:00:00.000Z',
    closesAt: '2026-08-01T00:00:00.000Z',
    entries: { pointsPerEntry: 100 },
    prizes,
    seed,
    seedHash: seedHashOf(seed),
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
  };
  const now = new Date('2026-08-02T00:00:00.000Z');
  const { drawnAt, winners } = drawRaffle(open, entries, now);
  return raffleView({ ...open, draw: { drawnAt, winners } }, now);
}

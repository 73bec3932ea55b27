import { DomainError } from '@shared/domain/errors';
import { memberRaffleView, raffleStatus, raffleView } from '@shared/domain/raffle';
import { findRaffle } from '@shared/store/items/raffle';
import { listRaffles, memberRafflePage, raffleEntriesPage } from '@shared/store/raffles';
import { loadActiveMember } from '../support/load';

/** The raffle reads. None shows a seed before the draw: every raffle goes through `raffleView`. */

export async function getRaffle(raffleId: string, now: Date) {
  const stored = await findRaffle(raffleId);
  if (!stored) throw new DomainError('raffle-not-found', `No raffle ${raffleId}.`);
  return raffleView(stored.raffle, now);
}

/** What members are shown: raffles open now and raffles drawn, in raffleId order. */
export async function listOpenAndDrawnRaffles(page: { limit: number; cursor?: string | undefined }, now: Date) {
  const found = await listRaffles(page, ({ raffle }) => ['open', 'drawn'].includes(raffleStatus(raffle, now)));
  return { ...found, items: found.items.map(({ raffle }) => raffleView(raffle, now)) };
}

/** The raffles a member holds entries in, with the prize units won, in raffleId order. */
export async function listMemberRaffles(
  memberId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
) {
  await loadActiveMember(memberId, now);
  const found = await memberRafflePage(memberId, page);
  return { ...found, items: found.items.map(({ raffle, entries }) => memberRaffleView(raffle, memberId, entries)) };
}

/** The entries list a verifier needs: `{ memberId, entries }` in memberId order (the draw's order). */
export async function listRaffleEntries(raffleId: string, page: { limit: number; cursor?: string | undefined }) {
  if (!(await findRaffle(raffleId))) throw new DomainError('raffle-not-found', `No raffle ${raffleId}.`);
  return raffleEntriesPage(raffleId, page);
}

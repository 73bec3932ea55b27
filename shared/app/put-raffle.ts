import {
  assertRaffleFitsProgram,
  assertRoomForPurchaseEntries,
  planRaffleReplace,
  raffleView,
  type RaffleRules,
  type RaffleState,
} from '@shared/domain/raffle';
import { newRaffleSeed, seedHashOf } from '@shared/domain/raffle-draw';
import { findRaffle, rafflePut } from '@shared/store/items/raffle';
import { currentProgram } from '@shared/store/program';
import { allRaffles, forgetCachedRaffles } from '@shared/store/raffles';
import { outcome, type UseCase } from './support/outcome';

export interface RafflePut {
  raffle: ReturnType<typeof raffleView>;
  /** True when the raffle did not exist before. */
  created: boolean;
}

/**
 * Creates or replaces a raffle. Creating it draws the secret seed from the cryptographic RNG
 * and publishes only its hash; a replace keeps seed, entries and draw. Once the raffle opened
 * only its name may change (409 otherwise, nothing saved). Conditioned on the revision read.
 */
export function putRaffle(raffleId: string, rules: RaffleRules): UseCase<RafflePut> {
  return async () => {
    assertRaffleFitsProgram(rules, await currentProgram());
    return async (at) => {
      const [existing, raffles] = await Promise.all([findRaffle(raffleId), allRaffles()]);
      const plan = planRaffleReplace(existing?.raffle, rules, at);
      if (existing && plan.kind === 'unchanged')
        return outcome({ raffle: raffleView(existing.raffle, at), created: false });
      assertRoomForPurchaseEntries(
        raffleId,
        plan.rules,
        raffles.map((stored) => stored.raffle),
      );
      const kept = existing?.raffle;
      const seed = kept?.seed ?? newRaffleSeed();
      const raffle: RaffleState = {
        raffleId,
        ...plan.rules,
        seed,
        seedHash: seedHashOf(seed),
        createdAt: kept?.createdAt ?? at.toISOString(),
        updatedAt: at.toISOString(),
        ...(kept?.entriesClosedAt ? { entriesClosedAt: kept.entriesClosedAt } : {}),
        ...(kept?.draw ? { draw: kept.draw } : {}),
      };
      return outcome(
        { raffle: raffleView(raffle, at), created: !existing },
        {
          writes: [{ item: rafflePut(raffle, existing?.revision) }],
          audit: {
            kind: 'raffle.saved',
            target: `raffle:${raffleId}`,
            summary: `Raffle ${raffleId} ${existing ? 'replaced' : 'created'} (closes ${raffle.closesAt})`,
          },
        },
        // This instance's earns see the new rules at once; other instances within the cache period.
        { afterCommit: forgetCachedRaffles },
      );
    };
  };
}

import { assertKnownTier, rewardView, type RewardState } from '@shared/domain/rewards';
import { DomainError } from '@shared/domain/errors';
import { findReward, rewardPut } from '@shared/store/items/reward';
import { findSegment, segmentExistsCheck, segmentNamingAdd } from '@shared/store/items/segment';
import { currentProgram } from '@shared/store/program';
import { outcome, type UseCase } from './support/outcome';

/** What an admin states about a reward (the rest is kept by the engine). */
export type RewardTerms = Omit<RewardState, 'rewardId' | 'updatedAt' | 'revision'>;

export interface RewardPut {
  reward: ReturnType<typeof rewardView>;
  /** True when the reward did not exist before. */
  created: boolean;
}

const isPool = (reward: Pick<RewardState, 'fulfilment'> | undefined) =>
  reward?.fulfilment?.type === 'code' && reward.fulfilment.source === 'pool';

const unknownSegments = (segmentIds: string[], segments: string[]) =>
  new DomainError(
    'unknown-segment',
    'The reward names a segment that does not exist.',
    segmentIds.map((segmentId) => ({
      path: `body.segments.${segments.indexOf(segmentId)}`,
      message: `no segment "${segmentId}"`,
    })),
  );

/** The segments a reward is limited to must exist (400 unknown-segment at each one's path). */
async function assertKnownSegments(segments: string[] | undefined): Promise<void> {
  if (!segments) return;
  const missing = (await Promise.all(segments.map(async (id) => ((await findSegment(id)) ? [] : [id])))).flat();
  if (missing.length > 0) throw unknownSegments(missing, segments);
}

/**
 * Creates or replaces a reward. A replace states the whole reward, stock included: the
 * admin's number is the stock from now on. The write is conditioned on the revision read,
 * so two admins cannot silently overwrite each other's replace. Its segments must exist, checked
 * again in the same transaction so a segment deleted meanwhile refuses the save.
 */
export function putReward(rewardId: string, terms: RewardTerms): UseCase<RewardPut> {
  return async () => {
    assertKnownTier(await currentProgram(), terms.minTier);
    return async (at) => {
      await assertKnownSegments(terms.segments);
      const existing = await findReward(rewardId);
      const reward: RewardState = {
        rewardId,
        ...terms,
        // A pool reward's stock is its codes left: uploads add to it, redemptions take from it, a replace keeps it.
        ...(isPool(terms) ? { stock: isPool(existing) ? (existing?.stock ?? 0) : 0 } : {}),
        updatedAt: at.toISOString(),
        revision: (existing?.revision ?? 0) + 1,
      };
      return outcome(
        { reward: rewardView(reward), created: !existing },
        {
          writes: [
            {
              // A pool reward replaced keeps the stock it read: a redemption in between must not be undone.
              item: rewardPut(
                reward,
                existing?.revision,
                isPool(terms) && isPool(existing) ? { read: existing?.stock } : undefined,
              ),
            },
            ...[...new Set(terms.segments ?? [])].map((segmentId) => ({
              item: segmentExistsCheck(segmentId),
              onConditionFailed: () => unknownSegments([segmentId], terms.segments ?? []),
            })),
            // A delete of a segment that read what names it before this save decides again.
            ...(terms.segments?.length ? [{ item: segmentNamingAdd() }] : []),
          ],
          audit: {
            kind: 'reward.saved',
            target: `reward:${rewardId}`,
            summary: `Reward ${rewardId} ${existing ? 'replaced' : 'created'} (revision ${reward.revision}, ${reward.pointsCost} points)`,
          },
        },
      );
    };
  };
}

import { createHash } from 'node:crypto';
import { DomainError } from '@shared/domain/errors';
import type { RewardState } from '@shared/domain/rewards';
import { putPoolCodes } from '@shared/store/pool-upload';
import { findReward, rewardPoolAdd } from '@shared/store/items/reward';
import { newCodeId } from '@shared/ids';
import { outcome, prepareThenDecide, type Caller, type UseCase } from './support/outcome';
import { idempotencyKeyUsed } from './support/execute';
import { codeFulfilmentOf } from './support/reward-codes';

export interface UploadedCodes {
  added: number;
  duplicates: string[];
}

async function poolReward(rewardId: string): Promise<RewardState> {
  const reward = await findReward(rewardId);
  if (!reward) throw new DomainError('reward-not-found', `No reward ${rewardId}.`);
  if (codeFulfilmentOf(reward)?.source !== 'pool')
    throw new DomainError('not-a-pool-reward', `Reward ${rewardId} is not fulfilled by codes from a pool.`);
  return reward;
}

/** Names an upload by its caller's Idempotency-Key: the same upload sent again has the same name. */
export function poolUploadRef(caller: Pick<Caller, 'idempotency'>): string {
  const key = caller.idempotency;
  return key ? createHash('sha256').update(`${key.scope}\u0000${key.key}`).digest('hex').slice(0, 32) : newCodeId();
}

/**
 * `POST /v1/admin/rewards/{id}/codes`: up to 10,000 codes into the reward's pool. A code already
 * in any pool, issued, or twice in the upload is a duplicate (reported, not an error). The codes
 * go in first (the `prepare` step), by batches under the pool uploads' lock
 * (shared/store/pool-upload.ts); the stock grows by what was added in the final transaction, with
 * the idempotency record, so it grows once however often a crashed upload is sent again with its
 * Idempotency-Key (its own codes then count as added).
 */
export function uploadPoolCodes(rewardId: string, codes: readonly string[]): UseCase<UploadedCodes> {
  return async (caller) => {
    const uploadRef = poolUploadRef(caller);
    // A replay answers the first response from the record (its write fails): no codes read or written again.
    if (await idempotencyKeyUsed(caller)) return () => Promise.resolve(outcome({ added: 0, duplicates: [] }));
    return prepareThenDecide(
      () => putCodesInPool(rewardId, codes, uploadRef),
      (_now, put) => {
        const twice = codes.filter((code, index) => codes.indexOf(code) !== index);
        const result = { added: put.added.length, duplicates: [...new Set([...twice, ...put.duplicates])] };
        // The reward changed to another kind meanwhile: its condition fails, the upload is decided again and refused.
        if (put.added.length === 0) return outcome(result);
        return outcome(result, {
          writes: [{ item: rewardPoolAdd(rewardId, put.added.length) }],
          audit: {
            kind: 'codes.uploaded',
            target: `reward:${rewardId}`,
            summary: `${put.added.length} codes added to the pool of reward ${rewardId} (${result.duplicates.length} duplicates)`,
          },
        });
      },
    );
  };
}

/**
 * The upload's codes put in the reward's pool, each once (the same upload put again finds its own
 * codes and counts them as added): what the stock grows by is decided after.
 */
async function putCodesInPool(rewardId: string, codes: readonly string[], uploadRef: string) {
  await poolReward(rewardId);
  return putPoolCodes(rewardId, [...new Set(codes)], uploadRef);
}

import type { ProgramRules } from '@shared/schemas/program';
import type { Fulfilment } from './codes';
import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import { redeemPointsMovement } from './redeem';
import { qualifyingSpend, tierFor, tierRank } from './tiers';

/** A reward of the catalog as the engine keeps it. */
export interface RewardState {
  rewardId: string;
  name: string;
  pointsCost: number;
  /** Units left; absent = unlimited. */
  stock?: number;
  /** Lowest tier id that may redeem it (early access for loyal members). */
  minTier?: string;
  availableFrom?: string;
  availableTo?: string;
  active: boolean;
  /** Absent: a plain catalog reward (the partner hands it over). */
  fulfilment?: Fulfilment;
  /** Only members in at least one of these segments may redeem it. */
  segments?: string[];
  updatedAt: string;
  /** Bumped by every admin replace (not by redemptions): a redemption is conditioned on the terms it read. */
  revision: number;
}

/** Active and inside its availability window (from inclusive, to exclusive). */
export function rewardAvailableAt(
  reward: Pick<RewardState, 'active' | 'availableFrom' | 'availableTo'>,
  now: Date,
): boolean {
  const at = now.getTime();
  if (!reward.active) return false;
  if (reward.availableFrom && at < Date.parse(reward.availableFrom)) return false;
  if (reward.availableTo && at >= Date.parse(reward.availableTo)) return false;
  return true;
}

/**
 * Why the member may not redeem the reward now, whatever their balance: not available now, the
 * member's current tier below `minTier`, in none of the reward's `segments` (the memberships as
 * the member is read, before the redemption's own write), or no unit in stock. Undefined when they may.
 */
export function rewardRefusal(
  member: MemberState,
  reward: RewardState,
  program: Pick<ProgramRules, 'tiers'>,
  now: Date,
): DomainError | undefined {
  if (!rewardAvailableAt(reward, now)) {
    return new DomainError('reward-not-available', `Reward ${reward.rewardId} is not available now.`);
  }
  if (reward.minTier) {
    const required = tierRank(program, reward.minTier);
    // A tier the program no longer has: nobody qualifies until the admin fixes the reward.
    if (required < 0)
      return new DomainError(
        'reward-not-available',
        `Reward ${reward.rewardId} asks for tier ${reward.minTier}, which the program no longer has.`,
      );
    const held = tierFor(program, qualifyingSpend(member, now)).tier;
    if (tierRank(program, held.id) < required) {
      return new DomainError(
        'tier-too-low',
        `Reward ${reward.rewardId} is for tier ${reward.minTier} and above; the member is ${held.id}.`,
      );
    }
  }
  if (reward.segments && !reward.segments.some((segmentId) => member.segments?.[segmentId] !== undefined)) {
    return new DomainError(
      'not-eligible',
      `Reward ${reward.rewardId} is for members of ${reward.segments.join(', ')}; the member is in none of them.`,
    );
  }
  if (reward.stock !== undefined && reward.stock <= 0) {
    return new DomainError('reward-out-of-stock', `Reward ${reward.rewardId} is out of stock.`);
  }
  return undefined;
}

/**
 * Redeeming a reward: available now, the member's current tier at least `minTier`, a unit
 * in stock, and the balance covering the cost. The stock is taken in the same transaction
 * as the ledger entry (see shared/store/rewards.ts), so this check is confirmed there.
 */
export function rewardRedemption(
  member: MemberState,
  reward: RewardState,
  program: Pick<ProgramRules, 'tiers'>,
  now: Date,
  orderId?: string,
): Movement {
  const refusal = rewardRefusal(member, reward, program, now);
  if (refusal) throw refusal;
  return redeemPointsMovement(member, reward.pointsCost, {
    rewardId: reward.rewardId,
    ...(orderId ? { orderId } : {}),
  });
}

/**
 * A reward as the member's own app shows it: `eligible` when the member may redeem it now (available,
 * tier, segments, stock), `affordable` when their spendable balance covers its cost. Redeeming needs both.
 */
export function rewardForMember(
  reward: RewardState,
  member: MemberState,
  spendablePoints: number,
  program: Pick<ProgramRules, 'tiers'>,
  now: Date,
) {
  return {
    ...rewardView(reward),
    eligible: rewardRefusal(member, reward, program, now) === undefined,
    affordable: spendablePoints >= reward.pointsCost,
  };
}

/** What the API shows of a reward. */
export function rewardView(reward: RewardState) {
  const { revision: _revision, ...view } = reward;
  return view;
}

/** A reward may only require a tier the program has. */
export function assertKnownTier(program: Pick<ProgramRules, 'tiers'>, minTier: string | undefined): void {
  if (minTier === undefined || tierRank(program, minTier) >= 0) return;
  throw new DomainError('unknown-tier', `The program has no tier ${minTier}.`, [
    { path: 'body.minTier', message: `must be one of ${program.tiers.map((t) => t.id).join(', ')}` },
  ]);
}

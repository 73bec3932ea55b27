import { codeView, newIssuedCode, withReserved, type CodeFulfilment, type IssuedCode } from '@shared/domain/codes';
import type { BreakdownLine, GiftSkipped, RuleGift } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { rewardAvailableAt, type RewardState } from '@shared/domain/rewards';
import type { ConditionalWrite } from '@shared/store/commit';
import { codeIssueWrites, pickPoolCode } from '@shared/store/items/code';
import { codeCountsAdd } from '@shared/store/items/reward-counters';
import { findReward, rewardStockTake } from '@shared/store/items/reward';
import { newCodeId, newCodeText } from '@shared/ids';
import type { EmittedEvent } from './outcome';

/**
 * Issuing a reward's code inside a write someone else owns (a redemption, a rule's or a
 * campaign's gift): everything the code needs joins the caller's ONE transaction — the code item,
 * the member's pointer and due item, a pool code taken from its pool, a unit of stock, the
 * reward's counts and the `code.issued` event — and the member the caller writes carries the
 * code's due time (and, charged at use, the reservation).
 */
export interface CodeIssue {
  code: IssuedCode;
  /** The member to write instead of the one given: its codes' due time moved, points reserved. */
  member: MemberState;
  writes: ConditionalWrite[];
  events: EmittedEvent[];
}

/** A code reward's fulfilment, or undefined for any other reward. */
export function codeFulfilmentOf(reward: Pick<RewardState, 'fulfilment'>): CodeFulfilment | undefined {
  return reward.fulfilment?.type === 'code' ? reward.fulfilment : undefined;
}

/**
 * Issues a code of `reward` to `member` (the state the caller is about to write). `points`: what
 * the member pays (chargeOn issue) or has reserved (chargeOn use) — 0 for a gift. Undefined when
 * the reward has no code left (an empty pool, a stock at 0): nothing is written for it.
 */
export async function issueRewardCode(
  member: MemberState,
  reward: RewardState,
  fulfilment: CodeFulfilment,
  points: number,
  now: Date,
): Promise<CodeIssue | undefined> {
  if (reward.stock !== undefined && reward.stock <= 0) return undefined;
  const pooled = fulfilment.source === 'pool' ? await pickPoolCode(reward.rewardId) : undefined;
  if (fulfilment.source === 'pool' && pooled?.kind !== 'available') return undefined;
  const code = newIssuedCode({
    codeId: newCodeId(),
    code: pooled?.kind === 'available' ? pooled.code : newCodeText(),
    rewardId: reward.rewardId,
    memberId: member.memberId,
    fulfilment,
    points,
    now,
  });
  const reserved = code.chargeOn === 'use' ? points : 0;
  const dueAt = member.codesDueAt && member.codesDueAt < code.expiresAt ? member.codesDueAt : code.expiresAt;
  const counts = codeCountsAdd(reward.rewardId, { issued: 1, reserved });
  // The stock condition makes this write the one that took the last unit, if it is 1 now.
  const lastUnit = reward.stock === 1;
  return {
    code,
    member: { ...withReserved(member, reserved), codesDueAt: dueAt },
    writes: [
      // A new generated text that exists already (1 in 2^60 per code issued) fails its condition: decided again, with a new text.
      ...codeIssueWrites(
        code,
        pooled?.kind === 'available' ? { kind: 'pool', stored: pooled } : { kind: 'generated' },
      ).map((item) => ({ item })),
      // Someone took the last unit or the admin changed the reward since we read it: read both again.
      { item: rewardStockTake(reward) },
      ...(counts ? [{ item: counts }] : []),
    ],
    events: [
      { type: 'code.issued', memberId: member.memberId, data: codeView(code, now) },
      ...(lastUnit ? [{ type: 'reward.out-of-stock' as const, data: { rewardId: reward.rewardId } }] : []),
    ],
  };
}

export type RewardGift = { gifted: CodeIssue } | { skipped: Exclude<GiftSkipped, 'gift-limit'> };

/**
 * A GIFT: issues a code of reward `rewardId` to `member` for free (no points, no reservation),
 * inside the caller's write — for a rule's or a campaign's `{ type: "reward", rewardId }` effect.
 * Pass the member state the caller is about to write; on `gifted`, write `gifted.member` instead
 * and add `gifted.writes` and `gifted.events` to the same outcome. On `skipped` nothing is to be
 * written for the gift: the caller notes why (out of stock: "the gift is skipped, noted in the
 * breakdown"). The reward's stock still counts a gift.
 */
export async function giftRewardCode(member: MemberState, rewardId: string, now: Date): Promise<RewardGift> {
  const reward = await findReward(rewardId);
  if (!reward) return { skipped: 'reward-not-found' };
  const fulfilment = codeFulfilmentOf(reward);
  if (!fulfilment) return { skipped: 'not-a-code-reward' };
  if (!rewardAvailableAt(reward, now)) return { skipped: 'not-available' };
  const issued = await issueRewardCode(member, reward, fulfilment, 0, now);
  return issued ? { gifted: issued } : { skipped: 'out-of-stock' };
}

/**
 * The most gifts one order gives. Each costs about seven items of the earn's transaction (the
 * code, the member's pointer and due item, a pool code's place, the stock, the counts, the event),
 * which holds at most 100 items; a program may have 100 gift rules. Further gifts, and a second
 * gift of one reward in one order (its stock and counts are one item each), are skipped and the
 * breakdown says so (`gift-limit`).
 */
export const MAX_GIFTS_PER_ORDER = 5;

/** What an earn's gift rules give: the member to write, the items and events to add, and each gift by rule id. */
export interface RuleGifts {
  member: MemberState;
  writes: ConditionalWrite[];
  events: EmittedEvent[];
  gifts: Map<string, RuleGift>;
}

/**
 * Issues the code of each applied gift rule (`{ type: "reward" }` effect), in evaluation order,
 * to `member` (the state the earn is about to write), inside the earn's one transaction: exactly
 * one code per gift rule per earn (a lost race decides the whole earn again, with new codes).
 */
export async function giveRuleGifts(
  member: MemberState,
  applied: readonly { rule: { id: string; effect: { type: string; rewardId?: string } } }[],
  now: Date,
): Promise<RuleGifts> {
  const result: RuleGifts = { member, writes: [], events: [], gifts: new Map() };
  const given = new Set<string>();
  for (const { rule } of applied) {
    const rewardId = rule.effect.type === 'reward' ? rule.effect.rewardId : undefined;
    if (rewardId === undefined) continue;
    if (given.has(rewardId) || given.size >= MAX_GIFTS_PER_ORDER) {
      result.gifts.set(rule.id, { rewardId, skipped: 'gift-limit' });
      continue;
    }
    const gift = await giftRewardCode(result.member, rewardId, now);
    if ('skipped' in gift) {
      result.gifts.set(rule.id, { rewardId, skipped: gift.skipped });
      continue;
    }
    given.add(rewardId);
    result.member = gift.gifted.member;
    result.writes.push(...gift.gifted.writes);
    result.events.push(...gift.gifted.events);
    result.gifts.set(rule.id, { rewardId, codeId: gift.gifted.code.codeId });
  }
  return result;
}

/** The breakdown with each gift rule's line saying what it gave. */
export function withGifts(breakdown: readonly BreakdownLine[], gifts: ReadonlyMap<string, RuleGift>): BreakdownLine[] {
  return breakdown.map((line) => {
    const gift = line.rule.startsWith('rule:') ? gifts.get(line.rule.slice('rule:'.length)) : undefined;
    return gift ? { ...line, gift } : line;
  });
}

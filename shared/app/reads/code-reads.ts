import { DomainError } from '@shared/domain/errors';
import { codeView, statusAt, validateCode, type CodeStatus, type CodeView } from '@shared/domain/codes';
import { findCodeByText, memberCodesPage, type StoredCode } from '@shared/store/items/code';
import { codeCounts } from '@shared/store/items/reward-counters';
import { findReward } from '@shared/store/items/reward';
import { loadActiveMember } from '../support/load';
import { codeFulfilmentOf } from '../support/reward-codes';

/** The reads about reward codes: the till's validate, a member's codes, a reward's counts. */

const issuedOnly = (stored: StoredCode | undefined) => (stored?.kind === 'issued' ? stored : undefined);

/** `POST /v1/codes/validate`: whether the code can be used now, in one read, writing nothing. */
export async function validateRewardCode(text: string, now: Date) {
  const answer = validateCode(issuedOnly(await findCodeByText(text))?.state, now);
  return answer.valid ? { valid: true as const, code: codeView(answer.code, now) } : answer;
}

/** `GET /v1/members/{id}/codes`: the member's codes, newest first, optionally of one status (as of now). */
export async function listMemberCodes(
  memberId: string,
  query: { limit: number; cursor?: string | undefined; status?: CodeStatus | undefined },
  now: Date,
) {
  const scope = { list: query.status ? `codes:${query.status}` : 'codes', boundTo: memberId };
  const [, page] = await Promise.all([
    loadActiveMember(memberId, now),
    memberCodesPage(memberId, scope, { limit: query.limit, cursor: query.cursor }, (stored): CodeView | undefined => {
      if (stored.kind !== 'issued') return undefined;
      if (query.status && statusAt(stored.state, now) !== query.status) return undefined;
      return codeView(stored.state, now);
    }),
  ]);
  return page;
}

/** `GET /v1/admin/rewards/{id}/codes/stats`: the reward's codes by status, from its sharded counts. */
export async function rewardCodeStats(rewardId: string) {
  const [reward, counts] = await Promise.all([findReward(rewardId), codeCounts(rewardId)]);
  if (!reward) throw new DomainError('reward-not-found', `No reward ${rewardId}.`);
  const fulfilment = codeFulfilmentOf(reward);
  return {
    ...(fulfilment?.source === 'pool' ? { available: reward.stock ?? 0 } : {}),
    issued: counts.issued,
    used: counts.used,
    expired: counts.expired,
    cancelled: counts.cancelled,
    ...(fulfilment?.chargeOn === 'use' ? { reserved: counts.reserved } : {}),
  };
}

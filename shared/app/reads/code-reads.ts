import { DomainError } from '@shared/domain/errors';
import { codeView, statusAt, validateCode, type CodeStatus, type CodeView } from '@shared/domain/codes';
import { findCodeByText, memberCodesPage, type StoredCode } from '@shared/store/items/code';
import { codeCounts } from '@shared/store/items/reward-counters';
import { findReward } from '@shared/store/items/reward';
import { decodeCursor, encodeCursor } from '@shared/store/cursor';
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
  let start = query.cursor ? decodeCursor(query.cursor, scope) : undefined;
  const [, first] = await Promise.all([loadActiveMember(memberId, now), memberCodesPage(memberId, query.limit, start)]);
  const items: CodeView[] = [];
  let page = first;
  // A status filter may leave a page short: read on until it is full or the list ends.
  for (;;) {
    for (const stored of page.codes) {
      if (stored.kind !== 'issued') continue;
      if (query.status && statusAt(stored.state, now) !== query.status) continue;
      items.push(codeView(stored.state, now));
    }
    start = page.lastKey;
    if (!start || items.length >= query.limit) break;
    page = await memberCodesPage(memberId, query.limit - items.length, start);
  }
  return start ? { items, nextCursor: encodeCursor(scope, start) } : { items };
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

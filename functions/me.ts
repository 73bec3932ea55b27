import { buyRaffleEntries } from '@shared/app/buy-raffle-entries';
import { listRewardsForMember } from '@shared/app/reads/catalog-reads';
import { listMemberCodes } from '@shared/app/reads/code-reads';
import { exportMember, getMember, listTransactions } from '@shared/app/reads/member-reads';
import { listMemberRaffles } from '@shared/app/reads/raffle-reads';
import { redeemReward } from '@shared/app/redeem-reward';
import { updateMember } from '@shared/app/update-member';
import { respond } from '@shared/http/answers';
import { apiFunction } from '@shared/http/api-function';
import { meRoutes } from '@shared/http/function-routes/me';
import { memberIdOf } from '@shared/http/request';

/** A member's own app (member session token): the partner routes' use cases, the member taken from the token. */
export const handler = apiFunction(meRoutes, {
  getMe: async ({ principal, now }) => ({ status: 200, body: await getMember(memberIdOf(principal), now()) }),

  listMyTransactions: async ({ principal, query, now }) => ({
    status: 200,
    body: await listTransactions(memberIdOf(principal), query, now()),
  }),

  listMyRewards: async ({ principal, query, now }) => ({
    status: 200,
    body: await listRewardsForMember(memberIdOf(principal), query, now()),
  }),

  redeemMyReward: async ({ principal, body, caller }) =>
    respond('redeemMyReward', redeemReward(memberIdOf(principal), body), caller),

  listMyCodes: async ({ principal, query, now }) => ({
    status: 200,
    body: await listMemberCodes(memberIdOf(principal), query, now()),
  }),

  listMyRaffles: async ({ principal, query, now }) => ({
    status: 200,
    body: await listMemberRaffles(memberIdOf(principal), query, now()),
  }),

  buyMyRaffleEntries: async ({ principal, params, body, caller }) =>
    respond('buyMyRaffleEntries', buyRaffleEntries(memberIdOf(principal), params.raffleId, body.count), caller),

  updateMe: async ({ principal, body, caller }) =>
    respond('updateMe', updateMember(memberIdOf(principal), body), caller),

  exportMe: async ({ principal, now }) => ({ status: 200, body: await exportMember(memberIdOf(principal), now()) }),
});

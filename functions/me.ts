import { buyRaffleEntries } from '@shared/app/buy-raffle-entries';
import { listRewardsForMember } from '@shared/app/reads/catalog-reads';
import { listMemberCodes } from '@shared/app/reads/code-reads';
import { exportMember, getMember, listTransactions } from '@shared/app/reads/member-reads';
import { listMemberRaffles } from '@shared/app/reads/raffle-reads';
import { redeemReward } from '@shared/app/redeem-reward';
import { updateMember } from '@shared/app/update-member';
import { apiFunction } from '@shared/http/api-function';
import { meRoutes } from '@shared/http/function-routes/me';
import { memberIdOf } from '@shared/http/request';

/** A member's own app (member session token): the partner routes' use cases, the member taken from the token. */
export const handler = apiFunction(meRoutes, {
  getMe: async ({ principal, now }) => ({ body: await getMember(memberIdOf(principal), now()) }),

  listMyTransactions: async ({ principal, query, now }) => ({
    body: await listTransactions(memberIdOf(principal), query, now()),
  }),

  listMyRewards: async ({ principal, query, now }) => ({
    body: await listRewardsForMember(memberIdOf(principal), query, now()),
  }),

  redeemMyReward: async ({ principal, body, respond }) => respond(redeemReward(memberIdOf(principal), body)),

  listMyCodes: async ({ principal, query, now }) => ({
    body: await listMemberCodes(memberIdOf(principal), query, now()),
  }),

  listMyRaffles: async ({ principal, query, now }) => ({
    body: await listMemberRaffles(memberIdOf(principal), query, now()),
  }),

  buyMyRaffleEntries: async ({ principal, params, body, respond }) =>
    respond(buyRaffleEntries(memberIdOf(principal), params.raffleId, body.count)),

  updateMe: async ({ principal, body, respond }) => respond(updateMember(memberIdOf(principal), body)),

  exportMe: async ({ principal, now }) => ({ body: await exportMember(memberIdOf(principal), now()) }),
});

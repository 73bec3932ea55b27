import { buyRaffleEntries } from '@shared/app/buy-raffle-entries';
import { deleteCampaign, getCampaign, listCampaigns, putCampaign } from '@shared/app/campaigns';
import { listRewards } from '@shared/app/reads/catalog-reads';
import { drawRaffle } from '@shared/app/draw-raffle';
import { putRaffle } from '@shared/app/put-raffle';
import { putReward } from '@shared/app/put-reward';
import {
  getRaffle,
  listMemberRaffles,
  listOpenAndDrawnRaffles,
  listRaffleEntries,
} from '@shared/app/reads/raffle-reads';
import { apiFunction } from '@shared/http/api-function';
import { rewardsRoutes } from '@shared/http/function-routes/rewards';

/** The catalog, the raffles and the campaigns: what members can win, redeem or be given besides points. */
export const handler = apiFunction(rewardsRoutes, {
  putCampaign: async ({ params, body, respond }) => respond(putCampaign(params.campaignId, body)),

  getCampaign: async ({ params }) => ({ body: await getCampaign(params.campaignId) }),

  listCampaigns: async ({ query }) => ({ body: await listCampaigns(query.limit, query.cursor) }),

  deleteCampaign: async ({ params, respond }) => respond(deleteCampaign(params.campaignId)),

  listRewards: async ({ query, now }) => ({ body: await listRewards(query.limit, query.cursor, now()) }),

  putReward: async ({ params, body, respond }) => respond(putReward(params.rewardId, body)),

  putRaffle: async ({ params, body, respond }) => respond(putRaffle(params.raffleId, body)),

  listRaffles: async ({ query, now }) => ({ body: await listOpenAndDrawnRaffles(query, now()) }),

  getRaffle: async ({ params, now }) => ({ body: await getRaffle(params.raffleId, now()) }),

  buyRaffleEntries: async ({ params, body, respond }) =>
    respond(buyRaffleEntries(params.memberId, params.raffleId, body.count)),

  listMemberRaffles: async ({ params, query, now }) => ({
    body: await listMemberRaffles(params.memberId, query, now()),
  }),

  drawRaffle: async ({ params, respond }) => respond(drawRaffle(params.raffleId)),

  listRaffleEntries: async ({ params, query }) => ({
    body: await listRaffleEntries(params.raffleId, query),
  }),
});

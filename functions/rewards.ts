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
import { respond } from '@shared/http/answers';

/** The catalog, the raffles and the campaigns: what members can win, redeem or be given besides points. */
export const handler = apiFunction(rewardsRoutes, {
  putCampaign: async ({ params, body, caller }) => respond('putCampaign', putCampaign(params.campaignId, body), caller),

  getCampaign: async ({ params }) => ({ status: 200, body: await getCampaign(params.campaignId) }),

  listCampaigns: async ({ query }) => ({ status: 200, body: await listCampaigns(query.limit, query.cursor) }),

  deleteCampaign: async ({ params, caller }) => respond('deleteCampaign', deleteCampaign(params.campaignId), caller),

  listRewards: async ({ query, now }) => ({ status: 200, body: await listRewards(query.limit, query.cursor, now()) }),

  putReward: async ({ params, body, caller }) => respond('putReward', putReward(params.rewardId, body), caller),

  putRaffle: async ({ params, body, caller }) => respond('putRaffle', putRaffle(params.raffleId, body), caller),

  listRaffles: async ({ query, now }) => ({ status: 200, body: await listOpenAndDrawnRaffles(query, now()) }),

  getRaffle: async ({ params, now }) => ({ status: 200, body: await getRaffle(params.raffleId, now()) }),

  buyRaffleEntries: async ({ params, body, caller }) =>
    respond('buyRaffleEntries', buyRaffleEntries(params.memberId, params.raffleId, body.count), caller),

  listMemberRaffles: async ({ params, query, now }) => ({
    status: 200,
    body: await listMemberRaffles(params.memberId, query, now()),
  }),

  drawRaffle: async ({ params, caller }) => respond('drawRaffle', drawRaffle(params.raffleId), caller),

  listRaffleEntries: async ({ params, query }) => ({
    status: 200,
    body: await listRaffleEntries(params.raffleId, query),
  }),
});

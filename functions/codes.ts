import { cancelMemberCode, releaseRewardCode, useRewardCode } from '@shared/app/codes';
import { listMemberCodes, rewardCodeStats, validateRewardCode } from '@shared/app/reads/code-reads';
import { uploadPoolCodes } from '@shared/app/upload-pool-codes';
import { apiFunction } from '@shared/http/api-function';
import { codesRoutes } from '@shared/http/function-routes/codes';

/** Reward codes: the till's validate, use and release; a member's codes; a pool's upload and counts. */
export const handler = apiFunction(codesRoutes, {
  validateCode: async ({ body, now }) => ({ body: await validateRewardCode(body.code, now()) }),

  useCode: async ({ body, respond }) => respond(useRewardCode(body)),

  releaseCode: async ({ body, respond }) => respond(releaseRewardCode(body)),

  listMemberCodes: async ({ params, query, now }) => ({
    body: await listMemberCodes(params.memberId, query, now()),
  }),

  cancelMemberCode: async ({ params, body, respond }) =>
    respond(cancelMemberCode(params.memberId, params.codeId, body.reason)),

  uploadPoolCodes: async ({ params, body, respond }) => respond(uploadPoolCodes(params.rewardId, body.codes)),

  rewardCodeStats: async ({ params }) => ({ body: await rewardCodeStats(params.rewardId) }),
});

import { cancelMemberCode, releaseRewardCode, useRewardCode } from '@shared/app/codes';
import { listMemberCodes, rewardCodeStats, validateRewardCode } from '@shared/app/reads/code-reads';
import { uploadPoolCodes } from '@shared/app/upload-pool-codes';
import { apiFunction } from '@shared/http/api-function';
import { codesRoutes } from '@shared/http/function-routes/codes';
import { respond } from '@shared/http/answers';

/** Reward codes: the till's validate, use and release; a member's codes; a pool's upload and counts. */
export const handler = apiFunction(codesRoutes, {
  validateCode: async ({ body, now }) => ({ status: 200, body: await validateRewardCode(body.code, now()) }),

  useCode: async ({ body, caller }) => respond('useCode', useRewardCode(body), caller),

  releaseCode: async ({ body, caller }) => respond('releaseCode', releaseRewardCode(body), caller),

  listMemberCodes: async ({ params, query, now }) => ({
    status: 200,
    body: await listMemberCodes(params.memberId, query, now()),
  }),

  cancelMemberCode: async ({ params, body, caller }) =>
    respond('cancelMemberCode', cancelMemberCode(params.memberId, params.codeId, body.reason), caller),

  uploadPoolCodes: async ({ params, body, caller }) =>
    respond('uploadPoolCodes', uploadPoolCodes(params.rewardId, body.codes), caller),

  rewardCodeStats: async ({ params }) => ({ status: 200, body: await rewardCodeStats(params.rewardId) }),
});

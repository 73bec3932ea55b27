import { createPartner, deletePartner, listPartners, rotatePartnerKey, updatePartner } from '@shared/app/partners';
import { usePartnerThrottles } from '@shared/app/support/partner-throttles';
import { getProgramVersion, putProgram } from '@shared/app/put-program';
import { readAudit } from '@shared/app/reads/audit-reads';
import { apiGatewayThrottles } from '@shared/adapters/api-gateway-throttles';
import { apiFunction } from '@shared/http/api-function';
import { adminRoutes } from '@shared/http/function-routes/admin';
import { respond } from '@shared/http/answers';
import { entityTag, parseIfMatch } from '@shared/http/request';
import { runJob } from '@shared/jobs';
import { readProgram } from '@shared/store/program';

// On AWS each partner gets its own API Gateway usage plan; locally (no REST_API_ID) the table is enough.
const restApiId = process.env.REST_API_ID;
if (restApiId)
  usePartnerThrottles(
    apiGatewayThrottles({
      restApiId,
      stage: process.env.API_STAGE ?? 'prod',
      tag: process.env.THROTTLE_TAG ?? restApiId,
    }),
  );

export const handler = apiFunction(adminRoutes, {
  getProgram: async () => {
    const { program } = await readProgram();
    return { status: 200, body: program, headers: { ETag: entityTag(program.version) } };
  },

  putProgram: async ({ body, caller, header }) => {
    const { version, updatedAt: _readOnly, ...rules } = body;
    const preconditions = { ifMatch: parseIfMatch(header('if-match')), version };
    const answered = await respond('putProgram', putProgram(rules, preconditions), caller);
    return { ...answered, headers: { ETag: entityTag((answered.body as { version: number }).version) } };
  },

  getProgramVersion: async ({ params }) => {
    const program = await getProgramVersion(params.version);
    return { status: 200, body: program, headers: { ETag: entityTag(program.version) } };
  },

  listPartners: async ({ query }) => ({ status: 200, body: await listPartners(query) }),

  listAudit: async ({ query, now }) => ({ status: 200, body: await readAudit(query, now()) }),

  createPartner: async ({ body, caller }) => respond('createPartner', createPartner(body), caller),

  updatePartner: async ({ params, body, caller }) =>
    respond('updatePartner', updatePartner(params.partnerId, body), caller),

  rotatePartnerKey: async ({ params, caller }) =>
    respond('rotatePartnerKey', rotatePartnerKey(params.partnerId), caller),

  deletePartner: async ({ params, caller }) => respond('deletePartner', deletePartner(params.partnerId), caller),

  // Jobs are idempotent: running one again is harmless, so the Idempotency-Key is not recorded.
  runJob: async ({ params }) => runJob(params.job),
});

import { createPartner, deletePartner, listPartners, rotatePartnerKey, updatePartner } from '@shared/app/partners';
import { usePartnerThrottles } from '@shared/app/support/partner-throttles';
import { getProgramVersion, putProgram } from '@shared/app/put-program';
import { readAudit } from '@shared/app/reads/audit-reads';
import { apiGatewayThrottles } from '@shared/adapters/api-gateway-throttles';
import { apiFunction } from '@shared/http/api-function';
import { adminRoutes } from '@shared/http/function-routes/admin';
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
    return { body: program, headers: { ETag: entityTag(program.version) } };
  },

  putProgram: async ({ body, respond, header }) => {
    const { version, updatedAt: _readOnly, ...rules } = body;
    const preconditions = { ifMatch: parseIfMatch(header('if-match')), version };
    const answered = await respond(putProgram(rules, preconditions));
    return { ...answered, headers: { ETag: entityTag((answered.body as { version: number }).version) } };
  },

  getProgramVersion: async ({ params }) => {
    const program = await getProgramVersion(params.version);
    return { body: program, headers: { ETag: entityTag(program.version) } };
  },

  listPartners: async ({ query }) => ({ body: await listPartners(query) }),

  listAudit: async ({ query, now }) => ({ body: await readAudit(query, now()) }),

  createPartner: async ({ body, respond }) => respond(createPartner(body)),

  updatePartner: async ({ params, body, respond }) => respond(updatePartner(params.partnerId, body)),

  rotatePartnerKey: async ({ params, respond }) => respond(rotatePartnerKey(params.partnerId)),

  deletePartner: async ({ params, respond }) => respond(deletePartner(params.partnerId)),

  // Jobs are idempotent: running one again is harmless, so the Idempotency-Key is not recorded.
  runJob: async ({ params }) => runJob(params.job),
});

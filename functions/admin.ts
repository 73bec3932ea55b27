import { createPartner, deletePartner } from '@shared/app/partners';
import { putProgram } from '@shared/app/put-program';
import { apiFunction } from '@shared/http/api-function';
import { respond } from '@shared/http/answers';
import { runJob } from '@shared/jobs';
import { readProgram } from '@shared/store/program';

export const handler = apiFunction('admin', {
  getProgram: async () => ({ status: 200, body: (await readProgram()).program }),

  putProgram: async ({ body, caller }) => respond('putProgram', putProgram(body), caller),

  createPartner: async ({ body, caller }) => respond('createPartner', createPartner(body), caller),

  deletePartner: async ({ params, caller }) => respond('deletePartner', deletePartner(params.partnerId), caller),

  // Jobs are idempotent: running one again is harmless, so the Idempotency-Key is not recorded.
  runJob: async ({ params }) => runJob(params.job),
});

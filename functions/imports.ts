import { getImport, listImportErrors, listImports } from '@shared/app/reads/import-reads';
import { createImport, launchImport } from '@shared/app/start-import';
import { apiFunction } from '@shared/http/api-function';
import { importsRoutes } from '@shared/http/function-routes/imports';
import { simulationRoutes } from '@shared/http/function-routes/simulations';
import { createSimulation, getSimulation, launchSimulation } from '@shared/app/simulate-program';
import { lineErrorView } from '@shared/http/import-answers';
import { HttpProblem } from '@shared/http/problems';

export const handler = apiFunction(
  { ...importsRoutes, ...simulationRoutes },
  {
    createImport: async ({ ndjson, body, respond }) => {
      const request = ndjson ? { ndjson } : body ? body : undefined;
      if (!request)
        throw new HttpProblem(
          'invalid-request',
          400,
          'Invalid request',
          'Send an NDJSON body, or { "upload": true, "size": <bytes> }.',
        );
      const answered = await respond(createImport(request));
      // An inline file runs now (a replay starts it again if the first start failed; starting is idempotent).
      // An upload runs when the file lands.
      if (ndjson && answered.status === 202) await launchImport((answered.body as { importId: string }).importId);
      return answered;
    },

    listImports: async ({ query }) => ({ body: await listImports(query) }),

    getImport: async ({ params }) => ({ body: await getImport(params.importId) }),

    listImportErrors: async ({ params, query }) => {
      const page = await listImportErrors(params.importId, query);
      return { body: { ...page, items: page.items.map(lineErrorView) } };
    },

    createSimulation: async ({ body, respond }) => {
      const answered = await respond(createSimulation(body));
      // Runs now; a replay of the POST starts it again if the first start failed (starting is idempotent).
      if (answered.status === 202) await launchSimulation((answered.body as { simulationId: string }).simulationId);
      return answered;
    },

    getSimulation: async ({ params }) => ({ body: await getSimulation(params.simulationId) }),
  },
);

import { apiFunction } from '@shared/http/api-function';
import { newPartnerId } from '@shared/ids';
import { deletePartnerWrites, findPartnerKeyHash, newApiKey, partnerWrites } from '@shared/store/partners';
import { runCommand } from '@shared/store/members';
import { forgetCachedProgram, programVersionCommit, readProgram } from '@shared/store/program';

export const handler = apiFunction('admin', {
  getProgram: async () => ({ status: 200, body: (await readProgram()).program }),

  putProgram: async ({ body, now }) => {
    const at = now();
    const { program, commit } = programVersionCommit(await readProgram(), body, at);
    await runCommand(undefined, now, async () => commit);
    forgetCachedProgram();
    return { status: 200, body: program };
  },

  createPartner: async ({ body, idempotency, now }) =>
    runCommand(idempotency, now, async (at) => {
      const partner = {
        partnerId: newPartnerId(),
        name: body.name,
        scopes: body.scopes,
        apiKey: newApiKey(),
        createdAt: at.toISOString(),
      };
      const { apiKey: _shownOnce, ...withoutKey } = partner;
      // The key is shown once and stored only as a hash: a replay answers without it.
      return {
        members: [],
        writes: partnerWrites(partner),
        response: { status: 201, body: partner },
        replayResponse: { status: 201, body: withoutKey },
      };
    }),

  deletePartner: async ({ params, idempotency, now }) =>
    runCommand(idempotency, now, async () => ({
      members: [],
      writes: deletePartnerWrites(params.partnerId, await findPartnerKeyHash(params.partnerId)),
      response: { status: 204 },
    })),
});

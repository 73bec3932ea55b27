import { enrolMember } from '@shared/app/enrol-member';
import { eraseMember } from '@shared/app/erase-member';
import { exportMember, getMember, listTransactions } from '@shared/app/member-reads';
import { apiFunction } from '@shared/http/api-function';
import { respond } from '@shared/http/answers';

export const handler = apiFunction('members', {
  createMember: async ({ body, caller }) => respond('createMember', enrolMember(body), caller),

  getMember: async ({ params, now }) => ({ status: 200, body: await getMember(params.memberId, now()) }),

  listTransactions: async ({ params, query, now }) => ({
    status: 200,
    body: await listTransactions(params.memberId, query, now()),
  }),

  exportMember: async ({ params, now }) => ({ status: 200, body: await exportMember(params.memberId, now()) }),

  eraseMember: async ({ params, caller }) => respond('eraseMember', eraseMember(params.memberId), caller),
});

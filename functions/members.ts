import { memberView } from '@shared/domain/member-view';
import { apiFunction } from '@shared/http/api-function';
import { enrolMember } from '@shared/store/enrolment';
import { eraseMember, exportMember } from '@shared/store/member-data';
import { listLedger, loadActiveMember } from '@shared/store/members';
import { currentProgram } from '@shared/store/program';
import { toTransaction } from '@shared/store/views';

export const handler = apiFunction('members', {
  createMember: async ({ body, caller }) => enrolMember(body, caller),

  getMember: async ({ params, now }) => {
    const [member, program] = await Promise.all([loadActiveMember(params.memberId, now()), currentProgram()]);
    return { status: 200, body: memberView(member, program, now()) };
  },

  listTransactions: async ({ params, query, now }) => {
    await loadActiveMember(params.memberId, now());
    const page = await listLedger(params.memberId, query.limit, query.cursor);
    return { status: 200, body: { ...page, items: page.items.map((entry) => toTransaction(entry, now())) } };
  },

  exportMember: async ({ params, now }) => ({ status: 200, body: await exportMember(params.memberId, now()) }),

  eraseMember: async ({ params, caller }) => eraseMember(params.memberId, caller),
});

import { enrolMember } from '@shared/app/enrol-member';
import { eraseMember } from '@shared/app/erase-member';
import { createMemberSession } from '@shared/app/member-sessions';
import {
  exportMember,
  findMembers,
  getMember,
  getTransaction,
  listMembers,
  listTransactions,
} from '@shared/app/reads/member-reads';
import { updateMember } from '@shared/app/update-member';
import { apiFunction } from '@shared/http/api-function';
import { membersRoutes } from '@shared/http/function-routes/members';
import { segmentsRoutes } from '@shared/http/function-routes/segments';
import { changeSegmentMember, deleteSegment, putSegment } from '@shared/app/segments';
import { getSegment, listMemberSegments, listSegmentMembers, listSegments } from '@shared/app/reads/segment-reads';
import { respond } from '@shared/http/answers';

export const handler = apiFunction(
  { ...membersRoutes, ...segmentsRoutes },
  {
    createMember: async ({ body, caller }) => respond('createMember', enrolMember(body), caller),

    findMembers: async ({ query, now }) => ({ status: 200, body: await findMembers(query, now()) }),

    listMembers: async ({ query, now }) => ({ status: 200, body: await listMembers(query, now()) }),

    getMember: async ({ params, now }) => ({ status: 200, body: await getMember(params.memberId, now()) }),

    updateMember: async ({ params, body, caller }) =>
      respond('updateMember', updateMember(params.memberId, body), caller),

    listTransactions: async ({ params, query, now }) => ({
      status: 200,
      body: await listTransactions(params.memberId, query, now()),
    }),

    getTransaction: async ({ params, now }) => ({
      status: 200,
      body: await getTransaction(params.memberId, params.transactionId, now()),
    }),

    exportMember: async ({ params, now }) => ({ status: 200, body: await exportMember(params.memberId, now()) }),

    createMemberSession: async ({ params, principal }) => ({
      status: 201,
      body: await createMemberSession(params.memberId, principal.partnerId),
    }),

    eraseMember: async ({ params, caller }) => respond('eraseMember', eraseMember(params.memberId), caller),

    // Segments: a list change is a member write, so they are served here (shared/http/function-routes/segments.ts).
    putSegment: async ({ params, body, caller }) => respond('putSegment', putSegment(params.segmentId, body), caller),

    listSegments: async ({ query }) => ({ status: 200, body: await listSegments(query) }),

    getSegment: async ({ params }) => ({ status: 200, body: await getSegment(params.segmentId) }),

    deleteSegment: async ({ params, caller }) => respond('deleteSegment', deleteSegment(params.segmentId), caller),

    listSegmentMembers: async ({ params, query }) => ({
      status: 200,
      body: await listSegmentMembers(params.segmentId, query),
    }),

    changeSegmentMember: async ({ params, body, caller }) =>
      respond('changeSegmentMember', changeSegmentMember(params.segmentId, body.memberId, body.action), caller),

    listMemberSegments: async ({ params }) => ({ status: 200, body: await listMemberSegments(params.memberId) }),
  },
);

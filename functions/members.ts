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

export const handler = apiFunction(
  { ...membersRoutes, ...segmentsRoutes },
  {
    createMember: async ({ body, respond }) => respond(enrolMember(body)),

    findMembers: async ({ query, now }) => ({ body: await findMembers(query, now()) }),

    listMembers: async ({ query, now }) => ({ body: await listMembers(query, now()) }),

    getMember: async ({ params, now }) => ({ body: await getMember(params.memberId, now()) }),

    updateMember: async ({ params, body, respond }) => respond(updateMember(params.memberId, body)),

    listTransactions: async ({ params, query, now }) => ({
      body: await listTransactions(params.memberId, query, now()),
    }),

    getTransaction: async ({ params, now }) => ({
      body: await getTransaction(params.memberId, params.transactionId, now()),
    }),

    exportMember: async ({ params, now }) => ({ body: await exportMember(params.memberId, now()) }),

    createMemberSession: async ({ params, principal }) => ({
      body: await createMemberSession(params.memberId, principal.partnerId),
    }),

    eraseMember: async ({ params, respond }) => respond(eraseMember(params.memberId)),

    // Segments: a list change is a member write, so they are served here (shared/http/function-routes/segments.ts).
    putSegment: async ({ params, body, respond }) => respond(putSegment(params.segmentId, body)),

    listSegments: async ({ query }) => ({ body: await listSegments(query) }),

    getSegment: async ({ params }) => ({ body: await getSegment(params.segmentId) }),

    deleteSegment: async ({ params, respond }) => respond(deleteSegment(params.segmentId)),

    listSegmentMembers: async ({ params, query }) => ({
      body: await listSegmentMembers(params.segmentId, query),
    }),

    changeSegmentMember: async ({ params, body, respond }) =>
      respond(changeSegmentMember(params.segmentId, body.memberId, body.action)),

    listMemberSegments: async ({ params }) => ({ body: await listMemberSegments(params.memberId) }),
  },
);

import { page, PageQuery } from '@shared/schemas/common';
import {
  CreateMemberRequest,
  Member,
  MemberListQuery,
  MemberLookupQuery,
  MemberPatchRequest,
  MemberExport,
  Transaction,
  TransactionParams,
} from '@shared/schemas/members';
import { MemberSession } from '@shared/schemas/me';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

const TransactionPage = page(Transaction, 'TransactionPage');

/** The routes of the `members` function (see ../routes.ts, which assembles every function's). */
export const membersRoutes = {
  createMember: {
    method: 'POST',
    path: '/v1/members',
    fn: 'members',
    scope: 'members:write',
    summary: 'Enrol a member (sign-up and referral bonuses in the same write)',
    description:
      'Enrols a member with consent and optional profile; the sign-up bonus, and with a referral code the referral bonuses of both members, are posted in the same write. An externalId can be enrolled once.',
    errors: ['unknown-referral-code', 'external-id-taken'],
    example: {
      externalId: 'crm-1042',
      email: 'ada@example.com',
      name: 'Ada',
      consent: { marketing: true, analytics: false },
    },
    body: CreateMemberRequest,
    responses: { 201: Member },
  },
  getMember: {
    method: 'GET',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'members:read',
    summary: 'A member with balances and tier',
    description:
      "The member's profile, consent, tier with progress to the next one, points and cashback balances. An erased member answers 409.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 200: Member },
  },
  listTransactions: {
    method: 'GET',
    path: '/v1/members/{memberId}/transactions',
    fn: 'members',
    scope: 'members:read',
    summary: "A member's ledger, newest first",
    description:
      "The member's ledger entries, newest first, a page at a time; pass nextCursor back as cursor. A cursor only pages the member and list it was made for.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    query: PageQuery,
    responses: { 200: TransactionPage },
  },
  exportMember: {
    method: 'GET',
    path: '/v1/members/{memberId}/export',
    fn: 'members',
    scope: 'members:read',
    summary: 'Everything stored about a member (right of access)',
    description:
      'Everything stored about the member: profile, consent, the whole ledger, orders with refunds and NPS answers (right of access).',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 200: MemberExport },
  },
  findMembers: {
    method: 'GET',
    path: '/v1/members',
    fn: 'members',
    scope: 'members:read',
    summary: 'Find members by externalId or email',
    description:
      'Exactly one filter: `externalId` matches 0 or 1 member, `email` is matched case-insensitively and may match ' +
      'several. Each is one read of a claim item. No filter, or both, is a 400.',
    errors: [],
    query: MemberLookupQuery,
    responses: { 200: page(Member, 'MemberPage') },
  },
  listMembers: {
    method: 'GET',
    path: '/v1/admin/members',
    fn: 'members',
    scope: 'admin',
    summary: 'The members list: newest enrolment first, optionally of one tier',
    description:
      'For the console and back offices (partners find members with `GET /v1/members?externalId=|email=`). Reads the ' +
      'enrolments of `[from, to]` (default: the 400 days before now) day by day backwards from the activity index, ' +
      'never a scan; one request reads at most 31 days, so a page may hold fewer than `limit` members, even none, with ' +
      'a `nextCursor` to go on. `tier` keeps the members who hold that tier now. Erased members are not listed.',
    errors: [],
    query: MemberListQuery,
    responses: { 200: page(Member, 'MemberListPage') },
  },
  updateMember: {
    method: 'PATCH',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'members:write',
    summary: "Change a member's profile or consent (JSON merge patch)",
    description:
      'Content-Type application/merge-patch+json or application/json. An absent field stays, a value replaces it, ' +
      '`null` removes it. A taken `externalId` is a 409 `external-id-taken` naming the member that holds it. ' +
      'Consent changes are recorded with time and partner and shown in the export. Idempotency-Key is optional.',
    errors: ['member-not-found', 'member-erased', 'external-id-taken'],
    example: { name: 'Ada Lovelace', birthday: null, consent: { marketing: false } },
    params: MemberParams,
    body: MemberPatchRequest,
    idempotencyKey: 'optional',
    responses: { 200: Member },
  },
  getTransaction: {
    method: 'GET',
    path: '/v1/members/{memberId}/transactions/{transactionId}',
    fn: 'members',
    scope: 'members:read',
    summary: 'One ledger entry of a member',
    description: "One entry of the member's ledger by its transactionId; 404 when the member has no such entry.",
    errors: ['member-not-found', 'member-erased', 'transaction-not-found'],
    params: TransactionParams,
    responses: { 200: Transaction },
  },
  createMemberSession: {
    method: 'POST',
    path: '/v1/members/{memberId}/sessions',
    fn: 'members',
    scope: 'members:session',
    summary: "A session for the member's own app: a member token for the /v1/me routes",
    description:
      'A JWT signed ES256 by the region, for this member only, working 15 minutes on the /v1/me routes (and nowhere else). ' +
      "Verify it with the region's public keys at GET /.well-known/jwks.json. Erasing the member or deleting the partner ends it. " +
      'Writes nothing, so no Idempotency-Key is needed (a retry gets another token).',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    idempotencyKey: 'none',
    responses: { 201: MemberSession },
  },
  eraseMember: {
    method: 'DELETE',
    path: '/v1/members/{memberId}',
    fn: 'members',
    scope: 'admin',
    summary: 'Erase personal data; ledger amounts stay, unlinked',
    description:
      "Removes the member's personal data; ledger amounts stay for the accounts, unlinked from the person. Later calls about the member answer 409 member-erased.",
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 204: null },
  },
} as const satisfies Record<string, RouteDefinition>;

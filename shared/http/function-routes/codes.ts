import * as z from 'zod';
import { page, RewardId } from '@shared/schemas/common';
import { MemberId } from '@shared/schemas/members';
import {
  CancelCodeRequest,
  CancelledCode,
  Code,
  CodeForOrderRequest,
  CodeId,
  CodeRequest,
  CodeStats,
  CodeValidation,
  MemberCodesQuery,
  ReleasedCode,
  UploadCodesRequest,
  UploadedCodes,
  UsedCode,
} from '@shared/schemas/codes';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

/**
 * An upload of 10,000 codes of up to 64 characters, each possibly JSON-escaped, is over a megabyte:
 * the route takes bodies this large (the general limit is 64 KiB).
 */
export const CODE_UPLOAD_BODY_BYTES = 1_536 * 1024;

/** The routes of the `codes` function: the till's three calls, a member's codes, a pool's upload and counts. */
export const codesRoutes = {
  validateCode: {
    method: 'POST',
    path: '/v1/codes/validate',
    fn: 'codes',
    scope: 'codes:use',
    summary: 'Whether a reward code can be used now (one read, nothing written)',
    description:
      'Answers `valid: true` with the code (its reward, value, expiry), or `valid: false` with why: unknown, expired, ' +
      'used or cancelled. Reads one item and writes nothing, so no Idempotency-Key is needed.',
    errors: [],
    example: { code: 'K7QM2ZP9XWRT' },
    idempotencyKey: 'none',
    body: CodeRequest,
    responses: { 200: CodeValidation },
  },
  useCode: {
    method: 'POST',
    path: '/v1/codes/use',
    fn: 'codes',
    scope: 'codes:use',
    summary: 'Use a reward code for an order (again for the same order: the same answer)',
    description:
      'Marks the code used for the order, once however many tills try at the same moment. A code charged at use ' +
      'posts its redeem entry now (`transaction`). The same orderId again answers the same; another order is refused ' +
      'with 409 code-used naming the first orderId and usedAt. Usable until expiresAt exactly.',
    errors: ['code-not-found', 'code-used', 'code-expired', 'code-cancelled', 'member-erased', 'insufficient-points'],
    example: { code: 'K7QM2ZP9XWRT', orderId: 'till-7:2026-11-22:0042' },
    body: CodeForOrderRequest,
    responses: { 200: UsedCode },
  },
  releaseCode: {
    method: 'POST',
    path: '/v1/codes/release',
    fn: 'codes',
    scope: 'codes:use',
    summary: 'Release a code whose order was voided: it is issued again',
    description:
      'The order the code was used for was voided before it completed: the code is issued again, and a code charged ' +
      'at use has its points reserved again (a `return` entry of the charge). 409 when it was not used for that order.',
    errors: ['code-not-found', 'code-not-used-for-order', 'member-erased'],
    example: { code: 'K7QM2ZP9XWRT', orderId: 'till-7:2026-11-22:0042' },
    body: CodeForOrderRequest,
    responses: { 200: ReleasedCode },
  },
  listMemberCodes: {
    method: 'GET',
    path: '/v1/members/{memberId}/codes',
    fn: 'codes',
    scope: 'members:read',
    summary: "A member's reward codes, newest first",
    description:
      'The codes issued to the member, newest first, optionally of one status (`?status=`): an issued code past ' +
      'expiresAt shows as expired.',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    query: MemberCodesQuery,
    responses: { 200: page(Code, 'CodePage') },
  },
  cancelMemberCode: {
    method: 'POST',
    path: '/v1/members/{memberId}/codes/{codeId}/cancel',
    fn: 'codes',
    scope: 'points:redeem',
    summary: 'Cancel an issued code: its points come back',
    description:
      'A support desk cancels a code that is still issued: charged at issue, its points come back as a `return` ' +
      'entry; charged at use, the reservation is released. A used, expired or cancelled code is refused (409).',
    errors: ['member-not-found', 'member-erased', 'code-not-found', 'code-used', 'code-expired', 'code-cancelled'],
    example: { reason: 'Customer changed their mind' },
    params: z.strictObject({ memberId: MemberId, codeId: CodeId }),
    body: CancelCodeRequest,
    responses: { 200: CancelledCode },
  },
  uploadPoolCodes: {
    method: 'POST',
    path: '/v1/admin/rewards/{rewardId}/codes',
    fn: 'codes',
    scope: 'admin',
    summary: "Upload codes to a pool reward's stock (up to 10,000 a call)",
    description:
      'Adds the codes to the pool of a reward fulfilled by pool codes; its stock is the codes still available. A code ' +
      'already in any pool, issued, or repeated in the upload is listed under `duplicates`, not refused.',
    errors: ['reward-not-found', 'not-a-pool-reward'],
    example: { codes: ['SUMMER-7Q2K', 'SUMMER-9XWD'] },
    params: z.strictObject({ rewardId: RewardId }),
    body: UploadCodesRequest,
    maxBodyBytes: CODE_UPLOAD_BODY_BYTES,
    responses: { 201: UploadedCodes },
  },
  rewardCodeStats: {
    method: 'GET',
    path: '/v1/admin/rewards/{rewardId}/codes/stats',
    fn: 'codes',
    scope: 'admin',
    summary: "A code reward's codes by status",
    description:
      'Codes issued, used, expired and cancelled; for a pool reward the codes available; charged at use, the points ' +
      'reserved by issued codes.',
    errors: ['reward-not-found'],
    params: z.strictObject({ rewardId: RewardId }),
    responses: { 200: CodeStats },
  },
} as const satisfies Record<string, RouteDefinition>;

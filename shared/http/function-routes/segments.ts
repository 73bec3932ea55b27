import * as z from 'zod';
import { page, PageQuery } from '@shared/schemas/common';
import {
  MemberSegments,
  PutSegmentRequest,
  Segment,
  SegmentId,
  SegmentMember,
  SegmentMemberRequest,
  SegmentMembership,
} from '@shared/schemas/segments';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

const SegmentParams = z.strictObject({ segmentId: SegmentId });

/**
 * The segment routes, served by the `members` function (it writes members already: a list
 * change is a member write). See ../routes.ts, which assembles every function's routes.
 */
export const segmentsRoutes = {
  putSegment: {
    method: 'PUT',
    path: '/v1/admin/segments/{segmentId}',
    fn: 'members',
    scope: 'admin',
    summary: 'Create or replace a segment (rules or a list)',
    description:
      'A rules segment (`rules: { all | any: [1..20 conditions] }`) or a list segment (`list: true`). Creating a rules segment or changing its rules answers 202: every member is evaluated in the background, with `evaluation: { status, evaluated }` on the segment; a list segment answers 201 (created) or 200. Unchanged: 200. A condition naming an unknown tier, or spend in another currency, is a 400 with its path; a program holds at most 100 segments.',
    errors: ['unknown-tier', 'currency-mismatch', 'segment-limit'],
    example: {
      name: 'Lapsed, accepts marketing',
      rules: {
        all: [
          { field: 'purchases.lastAt', op: 'olderThan', value: 'P90D' },
          { field: 'consent.marketing', op: 'eq', value: true },
        ],
      },
    },
    params: SegmentParams,
    body: PutSegmentRequest,
    responses: { 200: Segment, 201: Segment, 202: Segment },
  },
  listSegments: {
    method: 'GET',
    path: '/v1/admin/segments',
    fn: 'members',
    scope: 'admin',
    summary: 'Every segment, with its size and evaluation',
    description: 'The segments in segmentId order, each with its exact size and its last evaluation.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(Segment, 'SegmentPage') },
  },
  getSegment: {
    method: 'GET',
    path: '/v1/admin/segments/{segmentId}',
    fn: 'members',
    scope: 'admin',
    summary: 'A segment with its exact size and evaluation progress',
    description: 'The segment, its exact size (sharded counters kept with the memberships) and its evaluation.',
    errors: ['segment-not-found'],
    params: SegmentParams,
    responses: { 200: Segment },
  },
  deleteSegment: {
    method: 'DELETE',
    path: '/v1/admin/segments/{segmentId}',
    fn: 'members',
    scope: 'admin',
    summary: 'Delete a segment no rule, reward or campaign names',
    description:
      'Deletes the segment; members leave it with their next write (no event). 409 segment-in-use while a basket rule (`when.segments`), a reward (`segments`) or a campaign names it.',
    errors: ['segment-not-found', 'segment-in-use'],
    params: SegmentParams,
    responses: { 204: null },
  },
  listSegmentMembers: {
    method: 'GET',
    path: '/v1/admin/segments/{segmentId}/members',
    fn: 'members',
    scope: 'admin',
    summary: "A segment's members, a page at a time",
    description: 'The members in the segment and since when, a page at a time (no order promised beyond the cursor).',
    errors: ['segment-not-found'],
    params: SegmentParams,
    query: PageQuery,
    responses: { 200: page(SegmentMember, 'SegmentMemberPage') },
  },
  changeSegmentMember: {
    method: 'POST',
    path: '/v1/admin/segments/{segmentId}/members',
    fn: 'members',
    scope: 'admin',
    summary: 'Add a member to a list segment, or remove it',
    description:
      "Adds (`action: add`) or removes (`remove`) one member of a list segment, in the member's own write with its segment.entered / segment.left event. A rules segment takes no list changes (400). Adding a member already in (or removing one who is not) changes nothing.",
    errors: ['segment-not-found', 'segment-not-a-list', 'member-not-found', 'member-erased'],
    example: { memberId: 'mem_01JC3Z9W4X6Q2V8M0N5R7T1K3A', action: 'add' },
    params: SegmentParams,
    body: SegmentMemberRequest,
    responses: { 200: SegmentMembership },
  },
  listMemberSegments: {
    method: 'GET',
    path: '/v1/members/{memberId}/segments',
    fn: 'members',
    scope: 'members:read',
    summary: 'The segments a member is in, and since when',
    description: 'Every segment the member is in now, as `[{ segmentId, since }]` in segmentId order.',
    errors: ['member-not-found', 'member-erased'],
    params: MemberParams,
    responses: { 200: MemberSegments },
  },
} as const satisfies Record<string, RouteDefinition>;

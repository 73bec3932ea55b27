import * as z from 'zod';
import { NpsRequest, PurchaseRequest } from '@shared/schemas/members';
import { CreateSnapshotRequest, Snapshot, SnapshotQuery } from '@shared/schemas/admin';
import { page } from '@shared/schemas/common';
import type { RouteDefinition } from '../route-definition';
import { MemberParams } from './params';

/** The routes of the `insights` function (see ../routes.ts, which assembles every function's). */
export const insightsRoutes = {
  answerNps: {
    method: 'POST',
    path: '/v1/members/{memberId}/nps',
    fn: 'insights',
    scope: 'surveys:write',
    summary: 'Record an NPS answer',
    description: "Records the member's answer to the Net Promoter Score question (0-10) with an optional comment.",
    errors: ['member-not-found', 'member-erased'],
    example: { score: 9, comment: 'Quick checkout' },
    params: MemberParams,
    body: NpsRequest,
    responses: { 201: z.object({ memberId: z.string(), score: z.int(), answeredAt: z.string() }) },
  },
  recordPurchase: {
    method: 'POST',
    path: '/v1/purchases',
    fn: 'insights',
    scope: 'purchases:write',
    summary: "A non-member's purchase, kept only for metrics",
    description:
      'Records the purchase of a customer who is not a member, once per orderId, so that the metrics compare members with non-members. Earns nothing.',
    errors: ['currency-mismatch', 'occurred-at-out-of-range', 'duplicate-order'],
    example: { orderId: 'web-88121', amount: { value: 3900, currency: 'EUR' } },
    body: PurchaseRequest,
    responses: {
      201: z.object({
        orderId: z.string(),
        amount: z.object({ value: z.int(), currency: z.string() }),
        occurredAt: z.string(),
      }),
    },
  },
  createSnapshot: {
    method: 'POST',
    path: '/v1/admin/metrics/snapshots',
    fn: 'insights',
    scope: 'admin',
    summary: 'Compute a metrics snapshot now',
    description: 'Computes the loyalty metrics now over a window (default: the last 30 days) and keeps the snapshot.',
    errors: [],
    example: { window: { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' } },
    body: CreateSnapshotRequest,
    responses: { 201: Snapshot },
  },
  listSnapshots: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots',
    fn: 'insights',
    scope: 'admin',
    summary: 'Snapshots, newest first',
    description:
      'Kept snapshots, newest first, optionally those computed in [from, to]; a `to` before `from` is a 400.',
    errors: [],
    query: SnapshotQuery,
    responses: { 200: page(Snapshot, 'SnapshotPage') },
  },
  latestSnapshot: {
    method: 'GET',
    path: '/v1/admin/metrics/snapshots/latest',
    fn: 'insights',
    scope: 'admin',
    summary: 'The latest snapshot',
    description: 'The most recent snapshot; 404 until the first one is computed.',
    errors: ['snapshot-not-found'],
    responses: { 200: Snapshot },
  },
} as const satisfies Record<string, RouteDefinition>;

import * as z from 'zod';
import { page, PageQuery } from '@shared/schemas/common';
import {
  AuditQuery,
  AuditRecord,
  CreatePartnerRequest,
  CreatedPartner,
  JobName,
  JobRun,
  JobStarted,
  PartnerId,
  PartnerSummary,
  RotatedKey,
  UpdatePartnerRequest,
} from '@shared/schemas/admin';
import { Program, ProgramUpdate } from '@shared/schemas/program';
import type { RouteDefinition } from '../route-definition';

const PartnerParams = z.strictObject({ partnerId: PartnerId });

/** The routes of the `admin` function (see ../routes.ts, which assembles every function's). */
export const adminRoutes = {
  getProgram: {
    method: 'GET',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'The program rules in force',
    description: 'The program rules in force, with their version.',
    errors: [],
    headers: ['ETag'],
    responses: { 200: Program },
  },
  putProgram: {
    method: 'PUT',
    path: '/v1/admin/program',
    fn: 'admin',
    scope: 'admin',
    summary: 'Replace the program rules (validated whole, versioned)',
    description:
      'Takes the program as GET answered it (`version` and `updatedAt` may come along), validated as a whole; each change is a new version, and ledger entries name the version they were computed with. `If-Match: "<version>"` ' +
      'answers 412 and a body `version` 409 when the program has moved on since; nothing is saved. If-Match compares ' +
      'strongly (RFC 9110): a weak tag (`W/"4"`) never matches and answers 412. Rules equal to ' +
      'those in force save no new version and answer the program in force.',
    errors: ['program-conflict', 'program-precondition-failed', 'unknown-reward', 'unknown-segment'],
    ifMatch: true,
    example: {
      currency: 'EUR',
      earn: { pointsPerUnit: 10 },
      tiers: [
        {
          id: 'member',
          name: 'Member',
          minQualifyingSpend: { value: 0, currency: 'EUR' },
          pointsMultiplier: 1,
          cashbackRate: 100,
          discountRate: 0,
        },
        {
          id: 'gold',
          name: 'Gold',
          minQualifyingSpend: { value: 100000, currency: 'EUR' },
          pointsMultiplier: 1.5,
          cashbackRate: 300,
          discountRate: 500,
        },
      ],
      bonuses: { signup: 100, referrer: 200, referee: 100, birthday: 50 },
      cashback: { holdDays: 14 },
      expiry: { inactivityMonths: 24 },
    },
    body: ProgramUpdate,
    headers: ['ETag'],
    responses: { 200: Program },
  },
  getProgramVersion: {
    method: 'GET',
    path: '/v1/admin/program/versions/{version}',
    fn: 'admin',
    scope: 'admin',
    summary: 'One version of the program, as it was saved',
    description: 'One saved version of the program rules, as it was saved; 404 for a version never saved.',
    errors: ['program-version-not-found'],
    headers: ['ETag'],
    params: z.strictObject({ version: z.coerce.number().int().min(1).max(99_999_999) }),
    responses: { 200: Program },
  },
  listPartners: {
    method: 'GET',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'The partners and admin keys, newest first (never a key)',
    description:
      'The partners of the region with their scopes and rate limits, newest first; never a key. Admin keys (made by ' +
      '`npm run admin-key`) are listed too, with `role: "admin"`: they are rotated and deleted with the same routes.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(PartnerSummary, 'PartnerPage') },
  },
  createPartner: {
    method: 'POST',
    path: '/v1/admin/partners',
    fn: 'admin',
    scope: 'admin',
    summary: 'Create a partner and its API key',
    description:
      "Creates a partner with scopes and returns its API key once (only its hash is stored; an idempotent replay leaves it out). `rateLimit` (default: the region's) throttles this partner on its own: past it, 429 " +
      'with Retry-After.',
    errors: [],
    example: {
      name: 'Web shop',
      scopes: ['members:read', 'members:write', 'points:earn'],
      rateLimit: { perSecond: 20, burst: 40 },
    },
    body: CreatePartnerRequest,
    responses: { 201: CreatedPartner },
  },
  updatePartner: {
    method: 'PATCH',
    path: '/v1/admin/partners/{partnerId}',
    fn: 'admin',
    scope: 'admin',
    summary: "Change a partner's name, scopes or rate limit; its key stays the same",
    description:
      'Any of `name`, `scopes` (the whole new set) and `rateLimit`, validated as at creation; the key stays the same ' +
      'and the change applies from its next request (within the authorizer cache time). Recorded in the audit log ' +
      '(`partner.updated`, with the old and new scopes and limit). An admin key has every scope and the ' +
      "region's limit: only its name changes (409 otherwise). Beyond the contract (shared/README.md).",
    errors: ['partner-not-found', 'admin-key-unscoped'],
    example: { scopes: ['members:read', 'points:adjust'], rateLimit: { perSecond: 5, burst: 10 } },
    params: PartnerParams,
    body: UpdatePartnerRequest,
    responses: { 200: PartnerSummary },
  },
  rotatePartnerKey: {
    method: 'POST',
    path: '/v1/admin/partners/{partnerId}/rotate-key',
    fn: 'admin',
    scope: 'admin',
    summary: "Replace a partner's (or an admin's) key; the old one works 24 hours more",
    description:
      'The new key is shown once (an idempotent replay answers without it). The old key works 24 hours more, in real ' +
      'time (the local test clock does not move it); a key from a rotation before that stops at once.',
    errors: ['partner-not-found'],
    params: PartnerParams,
    responses: { 200: RotatedKey },
  },
  deletePartner: {
    method: 'DELETE',
    path: '/v1/admin/partners/{partnerId}',
    fn: 'admin',
    scope: 'admin',
    summary: 'Delete a partner or an admin key; its keys stop working',
    description:
      'Deletes a partner (or an admin key listed with `role: "admin"`); its keys stop working within the authorizer cache time.',
    errors: ['partner-not-found'],
    params: PartnerParams,
    responses: { 204: null },
  },
  listAudit: {
    method: 'GET',
    path: '/v1/admin/audit',
    fn: 'admin',
    scope: 'admin',
    summary: 'The audit log: every change an admin or a partner key made, newest first',
    description:
      'Program saves (with the version), rewards, raffles and draws, partners and keys, webhooks, adjustments, erasures ' +
      'and imports: each recorded in the same transaction as the change, so a refused or replayed request leaves none. ' +
      'Filter by time (`from`, `to`; a `to` before `from` is a 400), by `actor` (a partner id) and by `kind`. Summaries ' +
      'name ids and amounts, never personal data. Records are kept 400 days.',
    errors: [],
    query: AuditQuery,
    responses: { 200: page(AuditRecord, 'AuditPage') },
  },
  runJob: {
    method: 'POST',
    path: '/v1/admin/jobs/{job}/run',
    fn: 'admin',
    scope: 'admin',
    summary:
      'Run a scheduled job now: locally it runs in the request (200, what it did); on AWS the job function is started asynchronously (202)',
    description:
      'Jobs are idempotent (running one again is harmless), so the Idempotency-Key is not recorded. ' +
      'On AWS the answer only says the job started: its results show in the metrics snapshots and the event feed.',
    errors: [],
    params: z.strictObject({ job: JobName }),
    responses: { 200: JobRun, 202: JobStarted },
  },
} as const satisfies Record<string, RouteDefinition>;

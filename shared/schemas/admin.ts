import * as z from 'zod';
import { AUDIT_KINDS } from '@shared/domain/audit';
import { DAY_MS } from '@shared/domain/time';
import { Money, Name, RewardId, Timestamp } from './common';
import { Fulfilment } from './codes';
import { SegmentId } from './segments';

export const PARTNER_SCOPES = [
  'members:read',
  'members:write',
  'points:earn',
  'points:redeem',
  'cashback:write',
  'surveys:write',
  'purchases:write',
  'events:read',
  'points:adjust',
  'members:session',
  'codes:use',
] as const;
export const Scope = z.enum(PARTNER_SCOPES);
export type Scope = z.infer<typeof Scope>;

export const RateLimit = z
  .strictObject({
    perSecond: z.int().min(1).max(10_000).meta({ description: 'Steady requests per second' }),
    burst: z.int().min(1).max(5_000).meta({ description: 'Requests allowed at once above the steady rate' }),
  })
  .meta({ id: 'RateLimit' });

/** The partner's scopes as POST takes them: at least one, none repeated. */
const PartnerScopes = z
  .array(Scope)
  .min(1)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope')
  .meta({ uniqueItems: true });

export const CreatePartnerRequest = z
  .strictObject({
    name: Name(128),
    scopes: PartnerScopes,
    rateLimit: RateLimit.optional().meta({ description: "This partner's own limit; default: the region's" }),
  })
  .meta({
    id: 'CreatePartnerRequest',
    examples: [{ name: 'Web shop', scopes: ['members:read', 'points:earn'], rateLimit: { perSecond: 20, burst: 40 } }],
  });

export const UpdatePartnerRequest = z
  .strictObject({
    name: Name(128).optional(),
    scopes: PartnerScopes.optional().meta({ description: 'The whole new set of scopes (replaces the old one)' }),
    rateLimit: RateLimit.optional().meta({ description: "This partner's own limit, from its next request" }),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field')
  .meta({
    id: 'UpdatePartnerRequest',
    minProperties: 1,
    examples: [{ scopes: ['members:read', 'points:adjust'], rateLimit: { perSecond: 5, burst: 10 } }],
  });

export const PartnerSummary = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    role: z.enum(['partner', 'admin']).meta({
      description:
        'admin: a key of `npm run admin-key` (or the local admin key), with every scope and the admin routes; rotated and deleted like a partner',
    }),
    scopes: z.array(Scope),
    rateLimit: RateLimit.optional().meta({
      description: "Absent for a seeded key (npm start, npm run admin-key): only the region's stage limit applies",
    }),
    createdAt: Timestamp,
  })
  .meta({ id: 'PartnerSummary' });

export const RotatedKey = z
  .object({
    apiKey: z.string().optional().meta({
      description: 'The new key, shown once (absent on an idempotent replay); the old key works 24 hours more',
    }),
  })
  .meta({ id: 'RotatedKey' });

export const CreatedPartner = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    scopes: z.array(Scope),
    rateLimit: RateLimit,
    apiKey: z.string().optional().meta({
      description:
        'Shown once, only in the first response (absent on an idempotent replay); only its SHA-256 hash is stored',
    }),
    createdAt: Timestamp,
  })
  .meta({ id: 'CreatedPartner' });

export const PartnerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a partner id');

export const PutRewardRequest = z
  .strictObject({
    name: Name(200),
    pointsCost: z.int().min(1).max(1_000_000_000),
    stock: z.int().min(0).max(1_000_000_000).optional().meta({ description: 'Units left; absent = unlimited' }),
    minTier: z.string().optional().meta({ description: 'Lowest tier id that may redeem it (early access)' }),
    availableFrom: Timestamp.optional(),
    availableTo: Timestamp.optional(),
    active: z.boolean().default(true),
    fulfilment: Fulfilment.optional().meta({ description: 'A code the member takes to the till, or a donation' }),
    segments: z.array(SegmentId).min(1).max(20).optional().meta({
      description: 'Only members in at least one of these segments may redeem it (409 not-eligible otherwise)',
    }),
  })
  .refine((r) => !r.availableFrom || !r.availableTo || Date.parse(r.availableTo) > Date.parse(r.availableFrom), {
    message: 'must be after availableFrom',
    path: ['availableTo'],
  })
  .refine((r) => r.stock === undefined || r.fulfilment?.type !== 'code' || r.fulfilment.source !== 'pool', {
    message: 'a pool reward has the stock of its codes left (POST …/codes adds to it)',
    path: ['stock'],
  })
  .meta({ id: 'PutRewardRequest' });

export const Reward = z
  .object({
    rewardId: RewardId,
    name: z.string(),
    pointsCost: z.int(),
    stock: z.int().optional(),
    minTier: z.string().optional(),
    availableFrom: Timestamp.optional(),
    availableTo: Timestamp.optional(),
    active: z.boolean(),
    fulfilment: Fulfilment.optional(),
    segments: z.array(z.string()).optional(),
    donated: z
      .object({ points: z.int(), members: z.int() })
      .optional()
      .meta({ description: 'Donation rewards: what members gave to the cause, and how many members gave' }),
    updatedAt: Timestamp,
  })
  .meta({ id: 'Reward' });

export const SnapshotQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(1024).optional(),
    from: Timestamp.optional(),
    to: Timestamp.optional(),
  })
  // A range that ends before it starts is a caller's mistake (400 on `to`), not a query to send.
  .refine((q) => !q.from || !q.to || Date.parse(q.to) >= Date.parse(q.from), {
    message: 'must not be before from',
    path: ['to'],
  });

/** A window longer than this would make one snapshot read more than a year of activity. */
export const MAX_WINDOW_DAYS = 366;

export const CreateSnapshotRequest = z
  .strictObject({
    window: z
      .strictObject({ from: Timestamp, to: Timestamp })
      .refine((w) => Date.parse(w.to) > Date.parse(w.from), { message: 'must be after from', path: ['to'] })
      .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= MAX_WINDOW_DAYS * DAY_MS, {
        message: `must be at most ${MAX_WINDOW_DAYS} days after from`,
        path: ['to'],
      })
      .optional()
      .meta({
        description:
          'Half-open [from, to); at most 366 days. The retention rate compares it with the window of the same length before it.',
      }),
  })
  .meta({ id: 'CreateSnapshotRequest', description: 'Optional window; default: the 30 days before now' });

const Rate = z.number().min(0).max(1).nullable();
export const Snapshot = z
  .object({
    snapshotId: z.string(),
    computedAt: Timestamp,
    window: z.object({ from: Timestamp, to: Timestamp }),
    members: z.object({ total: z.int(), active: z.int() }),
    clv: z.object({
      value: Money.nullable(),
      lifespanYears: z.number().nullable(),
      purchasesPerYear: z.number().nullable(),
      averageOrderValue: Money.nullable(),
    }),
    repeatCustomerRate: Rate,
    retentionRate: Rate,
    nps: z.number().min(-100).max(100).nullable(),
    npsResponses: z.int(),
    redemptionRate: Rate,
    averageSpendPerMember: Money.nullable(),
    averageOrderValue: z.object({
      members: Money.nullable(),
      nonMembers: Money.nullable(),
      newMembers: Money.nullable(),
      returningMembers: Money.nullable(),
    }),
    pointsOutstanding: z.int(),
    cashbackOutstanding: Money,
  })
  .meta({ id: 'Snapshot' });

/** The scheduled jobs an admin may run at once (`POST /v1/admin/jobs/{job}/run`). */
export const JOB_NAMES = ['metrics', 'expiry', 'reminders', 'time-changes'] as const;
export const JobName = z.enum(JOB_NAMES).meta({
  description:
    'metrics: the metrics snapshot; expiry: inactivity points expiry, then the points lots (availability, reminders, lot expiry); reminders: the points lots alone (points.available, points.expiring reminders, lot expiry), run by the expiry function; time-changes: every time rule due, found through the schedule key: the events of changes by time alone (cashback.available, tier.changed down), the anniversary bonus, inactivity expiry and the points lots',
});
export type JobName = z.infer<typeof JobName>;

export const JobRun = z
  .object({
    job: JobName,
    status: z.literal('done'),
    result: z.record(z.string(), z.unknown()).meta({ description: 'What the run did (counts)' }),
  })
  .meta({ id: 'JobRun', description: 'Locally: the job ran in the request' });

export const JobStarted = z
  .object({ job: JobName, status: z.literal('started') })
  .meta({ id: 'JobStarted', description: 'On AWS: the job function was invoked asynchronously' });

export const AuditKind = z.enum(AUDIT_KINDS).meta({ description: 'What kind of change' });

export const AuditQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(1024).optional(),
    from: Timestamp.optional().meta({ description: 'Changes at or after this time (default: 400 days before `to`)' }),
    to: Timestamp.optional().meta({ description: 'Changes at or before this time (default: now)' }),
    actor: PartnerId.optional().meta({ description: 'Only changes made by this partner or admin key' }),
    kind: AuditKind.optional(),
  })
  // A range that ends before it starts is a caller's mistake (400 on `to`), not a query to send.
  .refine((q) => !q.from || !q.to || Date.parse(q.to) >= Date.parse(q.from), {
    message: 'must not be before from',
    path: ['to'],
  });

export const AuditRecord = z
  .object({
    at: Timestamp,
    actor: z
      .object({ partnerId: z.string(), name: z.string() })
      .meta({ description: 'The partner or admin key that made the change, with its name at the time' }),
    kind: AuditKind,
    target: z.string().meta({ description: 'What changed: program, reward:<id>, member:<id>, partner:<id>…' }),
    summary: z.string().meta({ description: 'The change in words, by ids and amounts (never personal data)' }),
  })
  .meta({ id: 'AuditRecord' });

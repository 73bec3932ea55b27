import * as z from 'zod';
import { Channel } from './basket';
import { Money, Name, Timestamp } from './common';
import { MemberId } from './members';

/** Schemas of the segment routes (shared/http/function-routes/segments.ts) and of the segment events' data. */

export const SegmentId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -')
  .meta({ description: 'The segment id the admin chose', examples: ['lapsed'] });

/** At most this many segments in a program: a member's memberships stay small on its item. */
export const MAX_SEGMENTS = 100;
/** At most this many conditions in a segment's `all` or `any`. */
export const MAX_CONDITIONS = 20;
/** The longest period a time condition takes: ten years. */
export const MAX_PERIOD_DAYS = 3650;

export const Period = z
  .string()
  .regex(/^P[1-9]\d{0,3}D$/, 'must be "P<n>D", n days from 1 to 3650')
  .refine((value) => Number(value.slice(1, -1)) <= MAX_PERIOD_DAYS, { message: 'must be at most P3650D' })
  .meta({ description: 'A number of days as ISO 8601 "P<n>D" (1 to 3650)', examples: ['P90D'] });

const Count = z.int().min(0).max(1_000_000_000);
const Points = z.int().min(-1_000_000_000_000).max(1_000_000_000_000);
const TierId = z.string().min(1).max(32);

/**
 * One condition on what the engine knows about a member. A field takes only the operators and
 * the value that fit it: anything else is a 400 at the condition's path.
 */
export const Condition = z
  .discriminatedUnion('field', [
    z.strictObject({ field: z.literal('purchases.count'), op: z.enum(['gte', 'lte', 'eq']), value: Count }),
    z.strictObject({ field: z.literal('purchases.lastAt'), op: z.enum(['olderThan', 'within']), value: Period }),
    z.strictObject({ field: z.literal('spend.rolling12m'), op: z.enum(['gte', 'lte']), value: Money }),
    z.strictObject({ field: z.literal('points.balance'), op: z.enum(['gte', 'lte']), value: Points }),
    z.strictObject({ field: z.literal('tier'), op: z.literal('in'), value: z.array(TierId).min(1).max(20) }),
    z.strictObject({ field: z.literal('enrolledAt'), op: z.enum(['olderThan', 'within']), value: Period }),
    z.strictObject({ field: z.literal('birthday'), op: z.literal('within'), value: Period }),
    z.strictObject({ field: z.literal('consent.marketing'), op: z.literal('eq'), value: z.boolean() }),
    z.strictObject({ field: z.literal('channel.last'), op: z.literal('in'), value: z.array(Channel).min(1).max(100) }),
  ])
  .meta({
    id: 'SegmentCondition',
    description:
      'purchases.count (gte|lte|eq, int); purchases.lastAt (olderThan|within, "P<n>D"); spend.rolling12m (gte|lte, Money: net qualifying spend of the last 365 days); points.balance (gte|lte, int: the ledger balance); tier (in, [tierId]); enrolledAt (olderThan|within, "P<n>D"); birthday (within, "P<n>D": the next birthday, by UTC date, is at most n days away); consent.marketing (eq, bool); channel.last (in, [channel]: the channel of the latest purchase). A member without a purchase has no purchases.lastAt and no channel.last: those conditions do not hold for it.',
    examples: [{ field: 'purchases.lastAt', op: 'olderThan', value: 'P90D' }],
  });

const Conditions = z.array(Condition).min(1).max(MAX_CONDITIONS);

export const SegmentRules = z
  .strictObject({
    all: Conditions.optional().meta({ description: 'Every condition holds' }),
    any: Conditions.optional().meta({ description: 'At least one condition holds' }),
  })
  .superRefine((rules, ctx) => {
    if (rules.all && rules.any)
      ctx.addIssue({ code: 'custom', path: ['any'], message: 'give either all or any, not both' });
    if (!rules.all && !rules.any) ctx.addIssue({ code: 'custom', path: [], message: 'give all or any' });
  })
  .meta({ id: 'SegmentRules', description: 'Exactly one of all / any, each 1 to 20 conditions' });

export const PutSegmentRequest = z
  .strictObject({
    name: Name(128),
    rules: SegmentRules.optional(),
    list: z.literal(true).optional().meta({ description: 'A list segment: members added and removed by the admin' }),
  })
  .superRefine((segment, ctx) => {
    if (segment.rules && segment.list)
      ctx.addIssue({ code: 'custom', path: ['list'], message: 'a segment has rules or is a list, not both' });
    if (!segment.rules && !segment.list)
      ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give rules, or list: true' });
  })
  .meta({ id: 'PutSegmentRequest' });

export const SegmentEvaluation = z
  .object({
    status: z.enum(['pending', 'running', 'done']).meta({
      description:
        'pending: waiting for every function instance to see the new rules; running: members being evaluated; done',
    }),
    evaluated: z.int().meta({ description: 'Members evaluated so far by this evaluation' }),
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
  })
  .meta({ id: 'SegmentEvaluation' });

export const Segment = z
  .object({
    segmentId: SegmentId,
    name: z.string(),
    rules: SegmentRules.optional(),
    list: z.literal(true).optional(),
    size: z.int().meta({ description: 'Members in the segment now (exact)' }),
    evaluation: SegmentEvaluation.optional().meta({
      description: 'Rules segments: the last evaluation of every member',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Segment' });

export const SegmentMember = z
  .object({ memberId: z.string(), since: Timestamp.meta({ description: 'When the member entered' }) })
  .meta({ id: 'SegmentMember' });

export const MemberSegment = z
  .object({ segmentId: SegmentId, since: Timestamp.meta({ description: 'When the member entered' }) })
  .meta({ id: 'MemberSegment' });

export const MemberSegments = z.array(MemberSegment).meta({ id: 'MemberSegments' });

export const SegmentMemberRequest = z
  .strictObject({ memberId: MemberId, action: z.enum(['add', 'remove']) })
  .meta({ id: 'SegmentMemberRequest' });

export const SegmentEventData = z
  .object({ segmentId: SegmentId })
  .meta({ description: 'The segment the member entered or left' });

export type SegmentCondition = z.infer<typeof Condition>;
export type SegmentRules = z.infer<typeof SegmentRules>;
export type PutSegmentRequest = z.infer<typeof PutSegmentRequest>;
export type SegmentView = z.infer<typeof Segment>;

export const SegmentMembership = z
  .object({
    segmentId: SegmentId,
    memberId: z.string(),
    member: z.boolean().meta({ description: 'Whether the member is in the list segment now' }),
    since: Timestamp.optional().meta({ description: 'When the member entered (members only)' }),
  })
  .meta({ id: 'SegmentMembership' });

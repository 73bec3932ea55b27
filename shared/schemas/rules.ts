import * as z from 'zod';
import { CategoryId, Channel, Sku, StoreId, TenderType } from './basket';
import { Money, Name, RewardId, Timestamp } from './common';

export const MAX_RULES = 100;

/** A program's time zone: any IANA name the runtime knows ("Europe/Paris"); "UTC" by default. */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, { message: 'must be an IANA time zone name, e.g. Europe/Paris' })
  .meta({ description: 'IANA time zone of the program (default UTC)', examples: ['Europe/Paris'] });

export const EarnExclude = z
  .strictObject({
    skus: z.array(Sku).max(100).optional(),
    categories: z.array(CategoryId).max(100).optional(),
    tenders: z.array(TenderType).max(100).optional(),
  })
  .meta({
    description:
      'Excluded lines earn nothing (no base, no rule, no threshold); the part paid with an excluded tender earns nothing: it is taken off the eligible lines in proportion to their amounts',
  });

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00-23:59)');
const SegmentId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');

export const RuleEffect = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('multiplier'),
      factor: z.number().min(1.01).max(10).multipleOf(0.01).meta({
        description: "Adds the matching lines' base points × (factor − 1), rounded down once",
      }),
    }),
    z.strictObject({
      type: z.literal('pointsPerUnit'),
      points: z.int().min(1).max(1_000_000).meta({ description: 'Per unit of the matching lines' }),
    }),
    z.strictObject({
      type: z.literal('bonus'),
      points: z.int().min(1).max(1_000_000).meta({ description: 'Once per order' }),
    }),
    z.strictObject({ type: z.literal('reward'), rewardId: RewardId }),
  ])
  .meta({ id: 'RuleEffect' });

export const RulePeriod = z.enum(['day', 'week', 'month', 'year', 'lifetime']);

export const Rule = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ : -'),
    name: Name(128),
    startsAt: Timestamp.optional().meta({ description: 'Judged against the purchase occurredAt (inclusive)' }),
    endsAt: Timestamp.optional().meta({ description: 'Exclusive' }),
    priority: z.int().min(-1000).max(1000).optional().meta({ description: 'Higher first; ties by id (default 0)' }),
    exclusive: z.boolean().optional().meta({
      description:
        'An exclusive rule that applies claims its lines: no rule of lower priority counts them for a multiplier or pointsPerUnit effect',
    }),
    lines: z
      .strictObject({ skus: z.array(Sku).max(100).optional(), categories: z.array(CategoryId).max(100).optional() })
      .optional()
      .meta({ description: 'The lines the rule looks at (a line matching a SKU or a category); default all eligible' }),
    when: z
      .strictObject({
        channels: z.array(Channel).min(1).max(100).optional(),
        stores: z.array(StoreId).min(1).max(100).optional(),
        daysOfWeek: z.array(z.int().min(1).max(7)).min(1).max(7).optional().meta({
          description: '1 = Monday … 7 = Sunday, in the program time zone',
        }),
        localTime: z.strictObject({ from: HourMinute, to: HourMinute }).optional().meta({
          description: 'In the program time zone; from included, to excluded',
        }),
        firstPurchase: z.literal(true).optional(),
        tiers: z.array(z.string().min(1).max(32)).min(1).max(20).optional(),
        segments: z.array(SegmentId).min(1).max(20).optional(),
        minAmount: Money.optional().meta({
          description: "Of the rule's lines (the eligible amount when the rule names no lines)",
        }),
        minQuantity: z.int().min(1).max(5_000_000).optional().meta({ description: "Units of the rule's lines" }),
      })
      .optional(),
    effect: RuleEffect,
    limits: z
      .strictObject({
        perMember: z
          .strictObject({ count: z.int().min(1).max(1_000_000), period: RulePeriod })
          .optional()
          .meta({ description: 'At most count applications per member per calendar period (program time zone)' }),
        budgetPoints: z.int().min(1).max(1_000_000_000_000).optional().meta({
          description: 'The most points the rule gives in all, ever, under any concurrency',
        }),
      })
      .optional(),
  })
  .meta({ id: 'Rule' });

export type Rule = z.infer<typeof Rule>;
export type RuleEffect = z.infer<typeof RuleEffect>;
export type RulePeriod = z.infer<typeof RulePeriod>;
export type EarnExclude = z.infer<typeof EarnExclude>;

interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What a program's rules must satisfy beyond each field's shape (400 with the path). The segments
 * of `when.segments` and a `reward` effect's reward are looked up when the program is saved
 * (shared/app/put-program.ts): the segments must exist, the reward must be a code reward.
 */
export function ruleIssues(program: { currency: string; tiers: { id: string }[]; rules?: Rule[] }): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const tierIds = new Set(program.tiers.map((tier) => tier.id));
  const ids = new Set<string>();
  const exclusivePriorities = new Map<number, string>();
  (program.rules ?? []).forEach((rule, index) => {
    const at = (...path: (string | number)[]) => ['rules', index, ...path];
    if (ids.has(rule.id)) issues.push({ path: at('id'), message: `duplicate rule id "${rule.id}"` });
    ids.add(rule.id);
    if (rule.startsAt && rule.endsAt && Date.parse(rule.endsAt) <= Date.parse(rule.startsAt))
      issues.push({ path: at('endsAt'), message: 'must be after startsAt' });
    const when = rule.when;
    if (when?.localTime && when.localTime.from >= when.localTime.to)
      issues.push({ path: at('when', 'localTime', 'from'), message: 'must be before to' });
    when?.tiers?.forEach((tier, t) => {
      if (!tierIds.has(tier)) issues.push({ path: at('when', 'tiers', t), message: `unknown tier "${tier}"` });
    });
    if (when?.minAmount && when.minAmount.currency !== program.currency)
      issues.push({ path: at('when', 'minAmount', 'currency'), message: `must be ${program.currency}` });
    if (rule.exclusive) {
      const priority = rule.priority ?? 0;
      const other = exclusivePriorities.get(priority);
      if (other !== undefined)
        issues.push({
          path: at('priority'),
          message: `exclusive rule "${other}" has the same priority ${priority}; two exclusive rules need different priorities`,
        });
      else exclusivePriorities.set(priority, rule.id);
    }
  });
  return issues;
}

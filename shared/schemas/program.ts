import * as z from 'zod';
import { programLotRuleIssues } from '@shared/domain/lot-rules';
import { CurrencyCode, Money, Name, Timestamp } from './common';
import { EarnExclude, MAX_RULES, Rule, ruleIssues, TimeZone } from './rules';

const BasisPoints = z.int().min(0).max(10_000).meta({ description: 'Basis points: 100 = 1 %' });
const Multiplier = z
  .number()
  .min(1)
  .max(100)
  .multipleOf(0.01)
  .meta({ description: 'Points multiplier with at most two decimals (1.25 = +25 %)' });

export const Tier = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1-32 characters of a-z 0-9 -'),
  name: Name(64),
  minQualifyingSpend: Money.meta({
    description: 'Spend over a rolling 12 months, net of refunds, that reaches this tier',
  }),
  pointsMultiplier: Multiplier.meta({
    description:
      'Adds base × (multiplier − 1) points as the breakdown line `tier:<id>`. The tier is the one held before the purchase counts: the purchase that crosses a threshold earns at the old tier',
  }),
  cashbackRate: BasisPoints,
  discountRate: BasisPoints,
});

export const Promotion = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
    name: Name(128),
    startsAt: Timestamp.meta({
      description: 'First instant of the promotion (inclusive), judged against the purchase occurredAt',
    }),
    endsAt: Timestamp.meta({ description: 'End of the promotion (exclusive)' }),
    pointsMultiplier: Multiplier.optional(),
    bonusPoints: z
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .meta({ description: 'Points added to every purchase in the promotion' }),
  })
  .meta({
    description:
      'Applies to purchases whose occurredAt falls in [startsAt, endsAt), so a till reporting late still gets it. Each running promotion adds one breakdown line `promotion:<id>`: base × (pointsMultiplier − 1) + bonusPoints. Multipliers (tier and promotions) all apply to the base points and never compound',
  });

export const ProgramRules = z
  .strictObject({
    currency: CurrencyCode,
    timezone: TimeZone.optional(),
    earn: z.strictObject({
      pointsPerUnit: z
        .int()
        .min(0)
        .max(10_000)
        .meta({ description: 'Points per 1 major unit of currency, rounded down' }),
      holdDays: z.int().min(0).max(365).optional().meta({
        description:
          "Return window (default 0): an earn's points are pending, not redeemable, until occurredAt + holdDays",
      }),
      exclude: EarnExclude.optional(),
    }),
    tiers: z.array(Tier).min(1).max(20),
    promotions: z.array(Promotion).max(100).default([]),
    rules: z.array(Rule).max(MAX_RULES).optional().meta({
      description:
        'Basket-aware earning rules, evaluated by priority (higher first), then id; each applied rule is one breakdown line `rule:<id>`',
    }),
    bonuses: z
      .strictObject({
        signup: z.int().min(0).max(1_000_000).default(0),
        referrer: z.int().min(0).max(1_000_000).default(0),
        referee: z.int().min(0).max(1_000_000).default(0),
        birthday: z.int().min(0).max(1_000_000).default(0).meta({
          description:
            'Once a year, on the first purchase in the birthday week: the 7 days starting on the birthday (UTC dates; 29 February is celebrated on 28 February in other years)',
        }),
        anniversary: z.int().min(0).max(1_000_000).optional().meta({
          description:
            "Points on each anniversary of a member's enrolment (default 0): the date in the program's time zone (29 February counts on 28 February in other years), once a year, without a purchase",
        }),
        spendThreshold: z
          .strictObject({ amount: Money, points: z.int().min(0).max(1_000_000) })
          .optional()
          .meta({ description: 'A purchase of at least amount earns points more (breakdown line `spend-threshold`)' }),
      })
      .default({ signup: 0, referrer: 0, referee: 0, birthday: 0 }),
    cashback: z
      .strictObject({
        holdDays: z
          .int()
          .min(0)
          .max(365)
          .meta({ description: 'Return window before pending cashback becomes available' }),
      })
      .default({ holdDays: 0 }),
    expiry: z
      .strictObject({
        inactivityMonths: z
          .int()
          .min(1)
          .max(120)
          .optional()
          .meta({ description: 'Every open point expires after this many months without a purchase' }),
        afterMonths: z.int().min(1).max(120).optional().meta({
          description:
            'Lot expiry: the points of each credit expire this many calendar months after they became available',
        }),
        roundTo: z.enum(['day', 'month']).optional().meta({
          description: 'With afterMonths: expire at the end (UTC) of that day (default) or of that month',
        }),
        remindDays: z.int().min(1).max(365).optional().meta({
          description: 'A points.expiring event this many days before points expire (default 30)',
        }),
      })
      .nullable()
      .default(null)
      .meta({
        description:
          'Exactly one of inactivityMonths (every point expires after months without a purchase) or afterMonths (each credit expires on its own date); null: never',
      }),
    expectedLifespanYears: z.number().positive().max(100).optional().meta({
      description: 'When set, the CLV lifespan t; otherwise t is measured from members with two or more purchases',
    }),
  })
  .superRefine((program, ctx) => {
    const seen = new Set<string>();
    program.tiers.forEach((tier, index) => {
      if (seen.has(tier.id))
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'id'], message: `duplicate tier id "${tier.id}"` });
      seen.add(tier.id);
      if (tier.minQualifyingSpend.currency !== program.currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', index, 'minQualifyingSpend', 'currency'],
          message: `must be ${program.currency}`,
        });
      }
      const previous = program.tiers[index - 1];
      if (index === 0 && tier.minQualifyingSpend.value !== 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', 0, 'minQualifyingSpend', 'value'],
          message: 'the first tier must start at 0',
        });
      }
      if (previous && tier.minQualifyingSpend.value <= previous.minQualifyingSpend.value) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', index, 'minQualifyingSpend', 'value'],
          message: 'tiers must rise: each threshold above the previous one',
        });
      }
      // A higher tier never earns fewer points for the same purchase.
      if (previous && tier.pointsMultiplier < previous.pointsMultiplier) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', index, 'pointsMultiplier'],
          message: `must not be below the previous tier's (${previous.pointsMultiplier})`,
        });
      }
    });
    const promotionIds = new Set<string>();
    program.promotions.forEach((promotion, index) => {
      if (promotionIds.has(promotion.id))
        ctx.addIssue({
          code: 'custom',
          path: ['promotions', index, 'id'],
          message: `duplicate promotion id "${promotion.id}"`,
        });
      promotionIds.add(promotion.id);
      if (Date.parse(promotion.endsAt) <= Date.parse(promotion.startsAt)) {
        ctx.addIssue({ code: 'custom', path: ['promotions', index, 'endsAt'], message: 'must be after startsAt' });
      }
      if (promotion.pointsMultiplier === undefined && promotion.bonusPoints === undefined) {
        ctx.addIssue({ code: 'custom', path: ['promotions', index], message: 'needs pointsMultiplier or bonusPoints' });
      }
    });
    for (const issue of programLotRuleIssues(program)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of ruleIssues(program)) ctx.addIssue({ code: 'custom', ...issue });
    const threshold = program.bonuses.spendThreshold;
    if (threshold && threshold.amount.currency !== program.currency) {
      ctx.addIssue({
        code: 'custom',
        path: ['bonuses', 'spendThreshold', 'amount', 'currency'],
        message: `must be ${program.currency}`,
      });
    }
  });

export const Program = z
  .object({
    version: z.int().min(1),
    updatedAt: Timestamp,
  })
  .and(ProgramRules)
  .meta({ id: 'Program' });

/**
 * A PUT takes the program exactly as GET answered it: the read-only `version` and `updatedAt`
 * may come along. A `version` is a precondition (the version the change was made on); `updatedAt`
 * is ignored.
 */
export const ProgramUpdate = ProgramRules.safeExtend({
  version: z
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Read-only; when sent, the program must still be at it (409)' }),
  updatedAt: Timestamp.optional().meta({ description: 'Read-only; ignored' }),
}).meta({ id: 'ProgramUpdate' });

export type ProgramRules = z.infer<typeof ProgramRules>;
export type Program = ProgramRules & { version: number; updatedAt: string };
export type Tier = z.infer<typeof Tier>;
export type Promotion = z.infer<typeof Promotion>;

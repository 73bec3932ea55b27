import * as z from 'zod';
import { DEFAULT_PER_MEMBER } from '@shared/domain/campaigns';
import { CallerId, Name, RewardId, Timestamp } from './common';

/** Schemas of the campaign routes (served by shared/http/function-routes/campaigns.ts) and of `campaign.applied`. */

export const CampaignId = CallerId.meta({
  description: 'Chosen by the admin: 1-128 characters of [A-Za-z0-9._:-]',
  examples: ['win-back-code'],
});

/** Keeps a bonus far below 2^53 however often it is given. */
const MAX_BONUS_POINTS = 1_000_000_000;
/** A member's count of one campaign stays a small integer on the member item. */
const MAX_PER_MEMBER = 1_000_000;

export const CampaignEffect = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('bonus'),
      points: z.int().min(1).max(MAX_BONUS_POINTS).meta({ description: 'Points of the `bonus` entry' }),
    }),
    z.strictObject({
      type: z.literal('reward'),
      rewardId: RewardId.meta({ description: 'A reward whose fulfilment is a code: the member gets one of its codes' }),
    }),
    z.strictObject({
      type: z.literal('multiplier'),
      factor: z
        .number()
        .min(1.01)
        .max(10)
        .multipleOf(0.01)
        .meta({ description: 'Earns add base × (factor − 1), rounded down; at most two decimals' }),
      days: z.int().min(1).max(365).meta({ description: 'How long the boost lasts from the entry' }),
    }),
  ])
  .meta({ id: 'CampaignEffect' });

export const PutCampaignRequest = z
  .strictObject({
    name: Name(200),
    segmentId: CallerId.meta({ description: 'The segment whose entry applies the campaign' }),
    startsAt: Timestamp.meta({ description: 'First instant of the window (inclusive), judged at the entry' }),
    endsAt: Timestamp.optional().meta({ description: 'End of the window (exclusive); absent: no end' }),
    effect: CampaignEffect,
    limits: z
      .strictObject({
        perMember: z
          .int()
          .min(1)
          .max(MAX_PER_MEMBER)
          .default(DEFAULT_PER_MEMBER)
          .meta({ description: 'Times one member may get the campaign (default 1)' }),
      })
      .default({ perMember: DEFAULT_PER_MEMBER }),
  })
  .refine((c) => c.endsAt === undefined || Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    message: 'must be after startsAt',
    path: ['endsAt'],
  })
  .meta({
    id: 'PutCampaignRequest',
    examples: [
      {
        name: 'Win-back: a free coffee',
        segmentId: 'lapsed',
        startsAt: '2026-01-01T00:00:00.000Z',
        effect: { type: 'reward', rewardId: 'free-coffee' },
      },
    ],
  });

export const Campaign = z
  .object({
    campaignId: CampaignId,
    name: z.string(),
    segmentId: z.string(),
    startsAt: Timestamp,
    endsAt: Timestamp.optional(),
    effect: CampaignEffect,
    limits: z.object({ perMember: z.int() }),
    updatedAt: Timestamp,
  })
  .meta({ id: 'Campaign' });

/** The data of a `campaign.applied` event: the campaign, its segment, and what the member got. */
export const CampaignAppliedData = z
  .object({
    campaignId: z.string(),
    segmentId: z.string(),
    type: z.enum(['bonus', 'reward', 'multiplier']),
    points: z.int().optional().meta({ description: 'bonus: the points credited' }),
    transactionId: z.string().optional().meta({ description: 'bonus: the `bonus` entry' }),
    rewardId: z.string().optional(),
    codeId: z.string().optional().meta({ description: 'reward: the code issued (its `code.issued` event comes too)' }),
    skipped: z
      .enum(['reward-not-found', 'not-a-code-reward', 'not-available', 'out-of-stock'])
      .optional()
      .meta({ description: 'reward: why no code was issued; the application still counts' }),
    factor: z.number().optional(),
    until: Timestamp.optional().meta({ description: 'multiplier: purchases before this instant are boosted' }),
    applied: z.int().meta({ description: 'Times the campaign applied to this member, this one included' }),
  })
  .meta({ id: 'CampaignAppliedData' });

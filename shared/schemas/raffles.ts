import * as z from 'zod';
import { raffleRulesProblems } from '@shared/domain/raffle';
import { CallerId, Money, Name, PositiveMoney, Timestamp } from './common';
import { MemberId, Transaction } from './members';

/** Schemas of the raffle routes (served by shared/http/function-routes/rewards.ts) and of the `raffle.won` event's data. */

export const RaffleId = CallerId.meta({
  description: 'Chosen by the admin: 1-128 characters of [A-Za-z0-9._:-]',
  examples: ['summer-2026'],
});
export const PrizeId = CallerId.meta({ description: '1-128 characters of [A-Za-z0-9._:-]', examples: ['bike'] });

/** Keeps count × pointsPerEntry and every entries total far below 2^53. */
const MAX_ENTRIES = 1_000_000;

const RafflePrize = z.strictObject({
  prizeId: PrizeId,
  name: Name(200),
  quantity: z.int().min(1).max(100_000).meta({ description: 'Units of this prize; each goes to a different ticket' }),
});

export const PutRaffleRequest = z
  .strictObject({
    name: Name(200).meta({ description: 'The only field that may change once the raffle opened' }),
    opensAt: Timestamp.meta({ description: 'First instant of the window (inclusive)' }),
    closesAt: Timestamp.meta({ description: 'End of the window (exclusive); the draw is possible from then on' }),
    entries: z
      .strictObject({
        perAmount: PositiveMoney.optional().meta({
          description: 'A purchase whose occurredAt is in the window adds ⌊amount / perAmount⌋ entries',
        }),
        pointsPerEntry: z.int().min(1).max(1_000_000_000).optional().meta({ description: 'Points for one entry' }),
        maxPerMember: z
          .int()
          .min(1)
          .max(MAX_ENTRIES)
          .optional()
          .meta({ description: 'Entries one member may hold, from purchases and points together' }),
      })
      .meta({ description: 'At least one of perAmount and pointsPerEntry' }),
    prizes: z.array(RafflePrize).min(1).max(100).meta({ description: 'Drawn in this order, one unit at a time' }),
    minTier: z.string().optional().meta({ description: 'Lowest tier id that may take part (early access)' }),
  })
  .superRefine((rules, ctx) => {
    for (const problem of raffleRulesProblems(rules)) {
      ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
    }
  })
  .meta({
    id: 'PutRaffleRequest',
    examples: [
      {
        name: 'Summer raffle',
        opensAt: '2026-07-01T00:00:00.000Z',
        closesAt: '2026-08-01T00:00:00.000Z',
        entries: { perAmount: { value: 2000, currency: 'EUR' }, pointsPerEntry: 100, maxPerMember: 20 },
        prizes: [
          { prizeId: 'bike', name: 'City bike', quantity: 1 },
          { prizeId: 'mug', name: 'Mug', quantity: 10 },
        ],
      },
    ],
  });

export const RaffleWinner = z
  .object({
    prizeId: PrizeId,
    memberId: MemberId,
    entry: z
      .int()
      .min(1)
      .meta({ description: "Which of the member's entries won (1-based, as the verifier numbers them)" }),
  })
  .meta({ id: 'RaffleWinner' });

export const Raffle = z
  .object({
    raffleId: RaffleId,
    name: z.string(),
    opensAt: Timestamp,
    closesAt: Timestamp,
    entries: z.object({
      perAmount: Money.optional(),
      pointsPerEntry: z.int().optional(),
      maxPerMember: z.int().optional(),
    }),
    prizes: z.array(z.object({ prizeId: PrizeId, name: z.string(), quantity: z.int() })),
    minTier: z.string().optional(),
    status: z.enum(['scheduled', 'open', 'closed', 'drawn']),
    seedHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'Hex SHA-256 of the 32 bytes of the secret seed, published from the start' }),
    seed: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .meta({ description: 'The seed (32 bytes as hex), revealed by the draw' }),
    drawnAt: Timestamp.optional(),
    winners: z.array(RaffleWinner).optional().meta({ description: 'After the draw, in draw order' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Raffle' });

export const BuyEntriesRequest = z
  .strictObject({ count: z.int().min(1).max(MAX_ENTRIES) })
  .meta({ id: 'BuyEntriesRequest', examples: [{ count: 3 }] });

export const BoughtEntries = z
  .object({
    entries: z.int().meta({ description: 'Entries the member holds in this raffle after the purchase' }),
    transaction: Transaction,
  })
  .meta({ id: 'BoughtEntries' });

export const MemberRaffle = z
  .object({
    raffleId: RaffleId,
    entries: z.int(),
    won: z.array(z.object({ prizeId: PrizeId })),
  })
  .meta({ id: 'MemberRaffle' });

export const RaffleEntries = z
  .object({ memberId: MemberId, entries: z.int().min(1) })
  .meta({ id: 'RaffleEntries', description: 'One member’s entries; the list is ordered by memberId' });

export const RaffleWonData = z
  .object({
    raffleId: RaffleId,
    memberId: MemberId,
    units: z.int().min(1).meta({ description: 'Prize units the member won in this draw' }),
    name: z.string().optional().meta({ description: "The raffle's name; left out when it does not fit the event" }),
    won: z
      .array(z.object({ prizeId: PrizeId, entry: z.int().min(1) }))
      .optional()
      .meta({
        description:
          "Each unit's prize and winning ticket; left out when they do not fit one event (1 KB): the raffle's published winners list them",
      }),
  })
  .meta({
    id: 'RaffleWonData',
    description:
      "The data of a raffle.won event: one per winning member, with the event's top-level memberId and sequence",
  });

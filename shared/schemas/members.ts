import * as z from 'zod';
import {
  CurrencyCode,
  FreeText,
  IsoDate,
  MAX_MINOR_UNITS,
  Money,
  Name,
  OrderId,
  PositiveMoney,
  RewardId,
  SignedMoney,
  Timestamp,
} from './common';
import { basketFields, basketIssues, Channel, LineId, MAX_LINE_QUANTITY, MAX_LINES, StoreId } from './basket';

export const MemberId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a member id');

export const Consent = z.strictObject({
  marketing: z.boolean(),
  analytics: z.boolean(),
});

export const CreateMemberRequest = z
  .strictObject({
    externalId: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .meta({ description: 'Your own id for this customer; unique within the program' }),
    email: z.email().max(254).optional(),
    name: Name(200).optional(),
    birthday: IsoDate.optional(),
    consent: Consent,
    referralCode: z
      .string()
      .regex(/^[A-Z0-9]{4,16}$/, 'is not a referral code')
      .optional(),
  })
  .meta({ id: 'CreateMemberRequest' });

export const Member = z
  .object({
    memberId: z.string(),
    status: z.enum(['active', 'erased']),
    createdAt: Timestamp,
    referralCode: z.string(),
    tier: z.object({
      id: z.string(),
      name: z.string(),
      discountRate: z.int().meta({ description: "Basis points off the member's price" }),
      qualifyingSpend: Money,
      nextTier: z
        .object({
          id: z.string(),
          name: z.string().meta({
            description: "The next tier's name, for keys that cannot read the program (beyond the contract)",
          }),
          remainingSpend: Money,
        })
        .optional(),
    }),
    points: z.object({
      balance: z.int(),
      lifetimeEarned: z.int(),
      lifetimeRedeemed: z.int(),
      expiresAt: Timestamp.optional(),
      pending: z.int().meta({
        description:
          'Points still in their return window (earn.holdDays): not redeemable yet; balance + pending + reserved = the sum of the ledger',
      }),
      reserved: z.int().meta({
        description:
          'Points held for issued reward codes charged when used (chargeOn "use"): not spendable; debited when the code is used, released when it is cancelled or expires',
      }),
      expiring: z
        .array(z.object({ points: z.int(), expiresAt: Timestamp }))
        .meta({ description: 'Lot expiry: the next three dates on which spendable points expire, with how many' }),
    }),
    cashback: z.object({ currency: CurrencyCode, available: z.int(), pending: z.int() }),
    consent: Consent,
    externalId: z.string().optional(),
    email: z.string().optional(),
    name: z.string().optional(),
    birthday: IsoDate.optional(),
  })
  .meta({ id: 'Member' });

export const TransactionType = z.enum([
  'earn',
  'redeem',
  'bonus',
  'cashback',
  'cashback-redeem',
  'refund',
  'expiry',
  'adjustment',
  'return',
]);

export const BreakdownLine = z
  .object({
    rule: z.string(),
    points: z.int(),
    lineIds: z.array(z.string()).optional().meta({ description: 'A basket rule (`rule:<id>`): the lines it counted' }),
    gift: z
      .union([
        z.object({ rewardId: z.string(), codeId: z.string() }),
        z.object({
          rewardId: z.string(),
          skipped: z.enum(['reward-not-found', 'not-a-code-reward', 'not-available', 'out-of-stock', 'gift-limit']),
        }),
      ])
      .optional()
      .meta({
        description:
          "A rule's `reward` effect: the code issued free (the member's codes list it), or why none was: out of stock, the reward no longer available, more gifts than one order gives",
      }),
  })
  .meta({ id: 'BreakdownLine' });

export const Transaction = z
  .object({
    transactionId: z.string(),
    memberId: z.string(),
    type: TransactionType,
    points: z.int(),
    cashback: z
      .object({
        value: z.int(),
        currency: CurrencyCode,
        status: z.enum(['pending', 'available']).optional(),
        releaseAt: Timestamp.optional(),
      })
      .optional(),
    balance: z.object({ points: z.int(), cashbackAvailable: z.int(), cashbackPending: z.int() }),
    orderId: z.string().optional(),
    rewardId: z.string().optional(),
    raffleId: z.string().optional().meta({ description: 'The raffle whose entries a redeem bought' }),
    partnerId: z.string(),
    createdAt: Timestamp,
    occurredAt: Timestamp.optional(),
    amount: Money.optional().meta({ description: 'The purchase or refund amount this entry is about' }),
    breakdown: z.array(BreakdownLine).optional(),
    channel: Channel.optional().meta({ description: 'Earn entries: the channel the purchase was made in' }),
    storeId: StoreId.optional().meta({ description: 'Earn entries: the store the purchase was made in' }),
    reason: z
      .string()
      .optional()
      .meta({ description: 'Adjustments: why it was made (`import`: an imported opening balance)' }),
    reference: z.string().optional().meta({ description: "Adjustments: the caller's own reference" }),
    programVersion: z.int(),
    pointsStatus: z
      .enum(['pending', 'available'])
      .optional()
      .meta({ description: "On earn entries: whether the earn's points are still in their return window" }),
  })
  .meta({ id: 'Transaction' });

const PurchaseFields = {
  orderId: OrderId,
  amount: PositiveMoney,
  occurredAt: Timestamp.optional().meta({
    description: 'When the purchase happened (default now); up to 90 days back, at most 5 minutes ahead',
  }),
};

export const EarnRequest = z
  .strictObject({ ...PurchaseFields, ...basketFields })
  .superRefine((purchase, ctx) => {
    for (const issue of basketIssues(purchase)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({
    id: 'EarnRequest',
    description:
      'A purchase; with lines, tenders, channel and storeId the basket rules of the program see the basket (none of them: the order total alone)',
  });

const RedeemablePoints = z.int().min(1).max(1_000_000_000);
// Exactly one of the shapes (oneOf in the document): `{ rewardId, points }` is a donation.
export const RedeemRequest = z
  .xor([
    z.strictObject({ points: RedeemablePoints, orderId: OrderId.optional() }),
    z.strictObject({ rewardId: RewardId, orderId: OrderId.optional() }),
    z.strictObject({
      rewardId: RewardId,
      points: RedeemablePoints.meta({ description: "A donation: the points given, at least the reward's pointsCost" }),
      orderId: OrderId.optional(),
    }),
  ])
  .meta({
    id: 'RedeemRequest',
    description: 'A number of points, a reward of the catalog, or points given to a donation reward',
  });

export const CashbackRequest = z.strictObject(PurchaseFields).meta({ id: 'CashbackRequest' });

export const CashbackRedeemRequest = z
  .strictObject({ amount: PositiveMoney, orderId: OrderId.optional() })
  .meta({ id: 'CashbackRedeemRequest' });

export const RefundRequest = z
  .strictObject({
    orderId: OrderId,
    amount: PositiveMoney.optional().meta({
      description: 'The amount refunded; with lines, it must be what the refunded lines come to',
    }),
    lines: z
      .array(z.strictObject({ lineId: LineId, quantity: z.int().min(1).max(MAX_LINE_QUANTITY) }))
      .min(1)
      .max(MAX_LINES)
      .optional()
      .meta({ description: 'Units refunded per line of an order earned with lines: the order is recomputed' }),
  })
  .superRefine((refund, ctx) => {
    if (refund.amount === undefined && refund.lines === undefined)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'needs amount or lines' });
    const seen = new Set<string>();
    refund.lines?.forEach((line, index) => {
      if (seen.has(line.lineId))
        ctx.addIssue({
          code: 'custom',
          path: ['lines', index, 'lineId'],
          message: `duplicate lineId "${line.lineId}"`,
        });
      seen.add(line.lineId);
    });
  })
  .meta({ id: 'RefundRequest' });

export const PurchaseRequest = z
  .strictObject({ orderId: OrderId, amount: PositiveMoney, occurredAt: Timestamp.optional() })
  .meta({ id: 'PurchaseRequest' });

export const NpsRequest = z
  .strictObject({ score: z.int().min(0).max(10), comment: FreeText(2000, 0).optional() })
  .meta({ id: 'NpsRequest' });

export const MemberExport = z
  .object({
    member: Member,
    transactions: z.array(Transaction),
    orders: z
      .array(z.object({ orderId: z.string(), amount: Money, refunded: Money, occurredAt: Timestamp }))
      .meta({ description: 'Purchases recorded for the member, with what was refunded of each' }),
    npsAnswers: z.array(z.object({ score: z.int(), comment: z.string().optional(), answeredAt: Timestamp })),
    consentHistory: z
      .array(z.object({ changedAt: Timestamp, partnerId: z.string(), from: Consent, to: Consent }))
      .meta({ description: 'Every change of consent after enrolment, oldest first, with the partner that made it' }),
  })
  .meta({ id: 'MemberExport' });

const ExternalId = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: 'Your own id for this customer; unique within the program' });
const Email = z.email().max(254);

export const MemberLookupQuery = z
  .strictObject({
    externalId: ExternalId.optional(),
    email: Email.optional().meta({ description: 'Matched case-insensitively' }),
  })
  .superRefine((query, ctx) => {
    if (query.externalId !== undefined && query.email !== undefined)
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'must not be combined with externalId' });
    if (query.externalId === undefined && query.email === undefined)
      ctx.addIssue({ code: 'custom', path: ['externalId'], message: 'one of externalId or email is required' });
  });

export const MemberListQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(1024).optional(),
    from: Timestamp.optional().meta({
      description: 'Members enrolled at or after this time (default: 400 days before `to`)',
    }),
    to: Timestamp.optional().meta({ description: 'Members enrolled at or before this time (default: now)' }),
    tier: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, 'must be a tier id')
      .optional()
      .meta({ description: 'Only the members who hold this tier now' }),
  })
  // A range that ends before it starts is a caller's mistake (400 on `to`), not a query to send.
  .refine((q) => !q.from || !q.to || Date.parse(q.to) >= Date.parse(q.from), {
    message: 'must not be before from',
    path: ['to'],
  });

export const MemberPatchRequest = z
  .strictObject({
    email: Email.nullable().optional(),
    name: Name(200).nullable().optional(),
    birthday: IsoDate.nullable().optional(),
    externalId: ExternalId.nullable().optional(),
    consent: z.strictObject({ marketing: z.boolean().optional(), analytics: z.boolean().optional() }).optional(),
  })
  .meta({
    id: 'MemberPatchRequest',
    description: 'JSON merge patch: an absent field stays, a value replaces it, null removes it',
    examples: [{ email: 'ada@example.com', name: null, consent: { marketing: false } }],
  });

export const TransactionParams = z.strictObject({
  memberId: MemberId,
  transactionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a transaction id'),
});

const MAX_ADJUSTMENT = 1_000_000_000;
export const AdjustmentRequest = z
  .strictObject({
    points: z
      .int()
      .min(-MAX_ADJUSTMENT)
      .max(MAX_ADJUSTMENT)
      .refine((points) => points !== 0, 'must not be zero')
      .optional()
      .meta({ description: 'Signed: a credit is positive, a debit negative (never below a zero balance)' }),
    cashback: z
      .strictObject({
        value: z
          .int()
          .min(-MAX_MINOR_UNITS)
          .max(MAX_MINOR_UNITS)
          .refine((value) => value !== 0, 'must not be zero'),
        currency: CurrencyCode,
      })
      .optional()
      .meta({ description: 'Signed amount of available cashback' }),
    reason: FreeText(500),
    reference: Name(128).optional().meta({ description: 'Your own reference, e.g. a ticket' }),
  })
  .refine((request) => request.points !== undefined || request.cashback !== undefined, {
    message: 'needs points or cashback',
    path: ['points'],
  })
  .meta({
    id: 'AdjustmentRequest',
    examples: [{ points: -200, reason: 'Duplicate earn for order till-7:0042', reference: 'TICKET-1234' }],
  });

export const EarnPreview = z
  .object({
    points: z.int(),
    breakdown: z.array(BreakdownLine),
    nearMisses: z
      .array(
        z.object({
          rule: z.string().meta({ description: '`rule:<id>`' }),
          missing: z.object({ amount: Money.optional(), quantity: z.int().optional() }),
        }),
      )
      .meta({ description: 'Rules the basket nearly met: all but their minAmount or minQuantity, and what it lacks' }),
    cashback: Money.meta({ description: "What a cashback credit for this purchase would be at the member's tier" }),
    tier: z.object({ id: z.string(), name: z.string() }).meta({ description: 'The tier the purchase earns at' }),
  })
  .meta({ id: 'EarnPreview' });

export { SignedMoney };

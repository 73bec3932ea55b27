import * as z from 'zod';
import { CallerId, Money, OrderId, PageQuery, RewardId, Timestamp } from './common';
import { Transaction } from './members';

/** What the till grants for a code: an amount off, a percentage off (basis points), or an item. */
export const CodeValue = z
  .union([
    z.strictObject({ amount: Money }),
    z.strictObject({ percentOff: z.int().min(1).max(10_000).meta({ description: 'Basis points off (1000 = 10%)' }) }),
    z.strictObject({ sku: CallerId, quantity: z.int().min(1).max(10_000) }),
  ])
  .meta({ id: 'CodeValue', description: 'What the till grants for the code' });

export const CodeFulfilment = z
  .strictObject({
    type: z.literal('code'),
    source: z
      .enum(['generated', 'pool'])
      .meta({ description: 'generated: 12 symbols of a 32-symbol alphabet without 0/O/1/I; pool: codes uploaded' }),
    validDays: z.int().min(1).max(3650).meta({ description: 'A code is usable until issuedAt + validDays × 24 h' }),
    chargeOn: z
      .enum(['issue', 'use'])
      .meta({ description: 'use: the points are reserved at issue and charged when the code is used' }),
    onExpiry: z.enum(['returnPoints', 'forfeit']).optional().meta({
      description: 'chargeOn "issue" only; default returnPoints (a `return` entry when an unused code expires)',
    }),
    value: CodeValue.optional(),
  })
  .refine((f) => f.chargeOn !== 'use' || f.onExpiry === undefined, {
    message: 'is for chargeOn "issue" only (a reservation simply ends at expiry)',
    path: ['onExpiry'],
  });

export const DonationFulfilment = z.strictObject({
  type: z.literal('donation'),
  cause: z.string().min(1).max(128).meta({ description: 'The cause the points go to' }),
});

export const Fulfilment = z
  .union([CodeFulfilment, DonationFulfilment])
  .meta({ id: 'Fulfilment', description: 'How the reward reaches the member: a code, or a donation to a cause' });

/** Printable ASCII without the space: what a till can type and a barcode can carry. */
const PoolCode = z
  .string()
  .regex(/^[\x21-\x7E]{4,64}$/, 'must be 4-64 visible ASCII characters')
  .meta({ description: '4-64 visible ASCII characters' });

export const MAX_POOL_UPLOAD = 10_000;
export const UploadCodesRequest = z
  .strictObject({ codes: z.array(PoolCode).min(1).max(MAX_POOL_UPLOAD) })
  .meta({ id: 'UploadCodesRequest', examples: [{ codes: ['SUMMER-7Q2K', 'SUMMER-9XWD'] }] });

export const UploadedCodes = z
  .object({
    added: z.int().meta({ description: 'Codes added to the pool (the stock grew by as many)' }),
    duplicates: z
      .array(z.string())
      .meta({ description: 'Codes already in a pool (this one or another) or issued: left out, not an error' }),
  })
  .meta({ id: 'UploadedCodes' });

export const CodeText = z.string().min(1).max(64).meta({ description: 'The code as the member shows it' });

export const Code = z
  .object({
    codeId: z.string(),
    code: z.string().optional().meta({ description: 'The text; left out of code.expired and code.cancelled events' }),
    rewardId: z.string(),
    memberId: z.string(),
    status: z.enum(['issued', 'used', 'expired', 'cancelled']),
    issuedAt: Timestamp,
    expiresAt: Timestamp.meta({ description: 'Usable until this instant exactly' }),
    chargeOn: z.enum(['issue', 'use']),
    value: CodeValue.optional(),
    usedAt: Timestamp.optional(),
    orderId: z.string().optional().meta({ description: 'The order it was used for' }),
    cancelledAt: Timestamp.optional(),
  })
  .meta({ id: 'Code' });

export const CodeRequest = z.strictObject({ code: CodeText }).meta({ id: 'ValidateCodeRequest' });
export const CodeForOrderRequest = z
  .strictObject({ code: CodeText, orderId: OrderId })
  .meta({ id: 'CodeForOrderRequest' });

export const CodeValidation = z
  .union([
    z.object({ valid: z.literal(true), code: Code }),
    z.object({ valid: z.literal(false), reason: z.enum(['unknown', 'expired', 'used', 'cancelled']) }),
  ])
  .meta({ id: 'CodeValidation' });

export const UsedCode = z
  .object({
    code: Code,
    transaction: Transaction.optional().meta({ description: 'chargeOn "use": the redeem entry the use posted' }),
  })
  .meta({ id: 'UsedCode' });

export const ReleasedCode = z
  .object({
    code: Code,
    transaction: Transaction.optional().meta({
      description: 'chargeOn "use": the return entry of the charge (the points are reserved again)',
    }),
  })
  .meta({ id: 'ReleasedCode' });

export const CancelCodeRequest = z
  .strictObject({ reason: z.string().min(1).max(500) })
  .meta({ id: 'CancelCodeRequest', examples: [{ reason: 'Customer changed their mind' }] });

export const CancelledCode = z
  .object({
    code: Code,
    transaction: Transaction.optional().meta({ description: 'chargeOn "issue": the return entry of the points' }),
  })
  .meta({ id: 'CancelledCode' });

export const CodeId = z.string().regex(/^cod_[0-9A-Z]{26}$/, 'is not a code id');

export const MemberCodesQuery = PageQuery.extend({
  status: z.enum(['issued', 'used', 'expired', 'cancelled']).optional(),
});

export const CodeStats = z
  .object({
    available: z.int().optional().meta({ description: 'Pool rewards: codes uploaded and not issued yet (the stock)' }),
    issued: z.int(),
    used: z.int(),
    expired: z.int(),
    cancelled: z.int(),
    reserved: z
      .int()
      .optional()
      .meta({ description: 'chargeOn "use": points reserved by the issued codes, charged when each is used' }),
  })
  .meta({
    id: 'CodeStats',
    description: 'Codes by status; an issued code past expiresAt counts as issued until the time rule marks it',
  });

/** A redeem's answer: the ledger entry, and for a code reward the code issued. */
export const Redemption = Transaction.extend({
  code: Code.optional().meta({ description: 'A code reward: the code issued to the member' }),
}).meta({ id: 'Redemption' });

export { RewardId };

import * as z from 'zod';
import { isKnownCurrency } from '@shared/domain/money';

/** Largest accepted amount: keeps every integer product in the engine below 2^53. */
export const MAX_MINOR_UNITS = 100_000_000_000;

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be three capital letters')
  .refine(isKnownCurrency, { message: 'must be an ISO 4217 currency code' })
  .meta({ description: 'ISO 4217 currency code', examples: ['EUR'] });

export const Money = z
  .strictObject({
    value: z
      .int()
      .min(0)
      .max(MAX_MINOR_UNITS)
      .meta({ description: "Amount in the currency's minor unit (cents for EUR)" }),
    currency: CurrencyCode,
  })
  .meta({
    id: 'Money',
    description: 'An amount of money as integer minor units',
    examples: [{ value: 1999, currency: 'EUR' }],
  });

/** A money amount that may be negative (balances after a refund, ledger movements). */
export const SignedMoney = z.strictObject({ value: z.int(), currency: CurrencyCode }).meta({ id: 'SignedMoney' });

/** An amount the server refuses at 0 (a purchase, a refund, a spend): `value` ≥ 1, in the document too. */
export const PositiveMoney = z
  .strictObject({
    value: z
      .int()
      .min(1, 'must be greater than zero')
      .max(MAX_MINOR_UNITS)
      .meta({ description: "Amount in the currency's minor unit (cents for EUR), at least 1" }),
    currency: CurrencyCode,
  })
  .meta({
    id: 'PositiveMoney',
    description: 'An amount of money greater than zero, as integer minor units',
    examples: [{ value: 1999, currency: 'EUR' }],
  });

/**
 * Names and free text refuse what no reader sees but a screen, a log or an export obeys: C0
 * controls (and DEL), and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)
 * that reorder the text around them ("Trojan Source"). Multi-line text keeps tab and line breaks.
 * Every name and free-text field of a request is one of these two, so the rule lives here once.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const INVISIBLE_IN_A_LINE = /^[^\x00-\x1F\x7F\u202A-\u202E\u2066-\u2069]*$/u;
// eslint-disable-next-line no-control-regex -- the same, keeping tab, line feed and carriage return
const INVISIBLE_IN_TEXT = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F\u202A-\u202E\u2066-\u2069]*$/u;
const INVISIBLE_MESSAGE = 'must not contain control characters or bidirectional overrides';

/** A name (of a member, a reward, a tier, a raffle, a partner…): one line of 1 to `max` characters. */
export const Name = (max: number) => z.string().min(1).max(max).regex(INVISIBLE_IN_A_LINE, INVISIBLE_MESSAGE);

/** Free text (a reason, a comment, a description): up to `max` characters, tab and line breaks allowed. */
export const FreeText = (max: number, min = 1) =>
  z.string().min(min).max(max).regex(INVISIBLE_IN_TEXT, INVISIBLE_MESSAGE);

export const CallerId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -');

export const OrderId = CallerId.meta({
  description: 'Chosen by the caller: 1-128 characters of [A-Za-z0-9._:-]',
  examples: ['till-7:2026-11-22:0042'],
});
export const RewardId = CallerId.meta({
  description: 'Chosen by the admin: 1-128 characters of [A-Za-z0-9._:-]',
  examples: ['espresso-cup'],
});

export const Timestamp = z.iso
  .datetime({ offset: true })
  .meta({ description: 'RFC 3339 time', examples: ['2026-11-22T10:00:00.000Z'] });
export const IsoDate = z.iso.date().meta({ description: 'YYYY-MM-DD', examples: ['1990-04-17'] });

export const Points = z.int().meta({ description: 'Points (signed for ledger movements)' });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
});

export function page<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().optional().meta({ description: 'Absent on the last page' }),
    })
    .meta({ id });
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z
      .string()
      .regex(/^urn:request:[\x21-\x7E]{1,128}$/)
      .meta({ description: 'This occurrence: urn:request:<the X-Request-Id of the answer that first carried it>' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Each field refused, by path (body.amount.value, query.cursor, headers.Idempotency-Key)' }),
    memberId: z.string().optional().meta({ description: 'external-id-taken: the member that holds the external id' }),
    orderId: z.string().optional().meta({ description: 'code-used: the order the code was first used for' }),
    usedAt: z.string().optional().meta({ description: 'code-used: when the code was first used' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

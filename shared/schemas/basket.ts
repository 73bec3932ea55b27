import * as z from 'zod';
import { Money, PositiveMoney } from './common';

/** Ids a till chooses for its own things: a line, a SKU, a category, a store. */
const TillId = (what: string, max: number) =>
  z
    .string()
    .regex(new RegExp(`^[A-Za-z0-9._:-]{1,${max}}$`), `must be 1-${max} characters of A-Z a-z 0-9 . _ : -`)
    .meta({
      description: `${what}: 1-${max} characters of [A-Za-z0-9._:-]`,
    });

export const LineId = TillId('The line, unique in the order', 64);
export const Sku = TillId('The product', 64);
export const CategoryId = TillId('A category of the product', 64);
export const StoreId = TillId('The store', 64);
export const Channel = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 characters of a-z 0-9 _ -')
  .meta({ description: 'The channel of the purchase: 1-32 characters of [a-z0-9_-] ("pos", "web", "app", …)' });

export const TENDER_TYPES = ['card', 'cash', 'giftCard', 'storeCredit', 'points', 'other'] as const;
export const TenderType = z.enum(TENDER_TYPES);

export const MAX_LINES = 500;
export const MAX_TENDERS = 10;
export const MAX_LINE_QUANTITY = 10_000;

export const BasketLine = z
  .strictObject({
    lineId: LineId,
    sku: Sku,
    categories: z.array(CategoryId).max(5).optional(),
    quantity: z.int().min(1).max(MAX_LINE_QUANTITY),
    amount: Money.meta({ description: "The line's total after its discounts" }),
  })
  .meta({ id: 'BasketLine' });

export const Tender = z
  .strictObject({ type: TenderType, amount: PositiveMoney })
  .meta({ id: 'Tender', description: 'What paid part of the order' });

/** The basket fields an earn (and its preview) may carry besides the order total. */
export const basketFields = {
  channel: Channel.optional(),
  storeId: StoreId.optional(),
  lines: z
    .array(BasketLine)
    .min(1)
    .max(MAX_LINES)
    .optional()
    .meta({
      description: `1-${MAX_LINES} lines whose amounts add up to the order amount exactly, in its currency; lineIds unique`,
    }),
  tenders: z
    .array(Tender)
    .min(1)
    .max(MAX_TENDERS)
    .optional()
    .meta({
      description: `1-${MAX_TENDERS} tenders whose amounts add up to the order amount exactly`,
    }),
};

export type BasketLine = z.infer<typeof BasketLine>;
export type Tender = z.infer<typeof Tender>;
export type TenderType = z.infer<typeof TenderType>;

interface BasketIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What a basket must satisfy beyond each field's shape: lines and tenders add up to the
 * order amount, in its currency, and a lineId names one line. Checked by the request schema
 * (so the OpenAPI document and the server agree on the fields, and the sums are refused
 * with their paths before anything is read).
 */
export function basketIssues(purchase: {
  amount: { value: number; currency: string };
  lines?: BasketLine[] | undefined;
  tenders?: Tender[] | undefined;
}): BasketIssue[] {
  const issues: BasketIssue[] = [];
  const { currency } = purchase.amount;
  if (purchase.lines) {
    const seen = new Set<string>();
    let sum = 0;
    purchase.lines.forEach((line, index) => {
      if (line.amount.currency !== currency)
        issues.push({
          path: ['lines', index, 'amount', 'currency'],
          message: `must be ${currency}, the order's currency`,
        });
      if (seen.has(line.lineId))
        issues.push({ path: ['lines', index, 'lineId'], message: `duplicate lineId "${line.lineId}"` });
      seen.add(line.lineId);
      sum += line.amount.value;
    });
    if (sum !== purchase.amount.value)
      issues.push({
        path: ['lines'],
        message: `the line amounts add up to ${sum}, not the order amount ${purchase.amount.value}`,
      });
  }
  if (purchase.tenders) {
    let sum = 0;
    purchase.tenders.forEach((tender, index) => {
      if (tender.amount.currency !== currency)
        issues.push({
          path: ['tenders', index, 'amount', 'currency'],
          message: `must be ${currency}, the order's currency`,
        });
      sum += tender.amount.value;
    });
    if (sum !== purchase.amount.value)
      issues.push({
        path: ['tenders'],
        message: `the tenders add up to ${sum}, not the order amount ${purchase.amount.value}`,
      });
  }
  return issues;
}

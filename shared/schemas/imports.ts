import * as z from 'zod';
import { CallerId, IsoDate, Money, Name, OrderId, PositiveMoney, Timestamp } from './common';
import { basketFields, basketIssues } from './basket';
import { Consent } from './members';
import { SegmentId } from './segments';

/** The id of a customer in the program being migrated: the key that makes member lines idempotent. */
const ExternalId = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: "Your id of the customer (1-128 characters), unique: a member line's idempotency key" });

/** A member line: enrols the member with an opening balance, no bonuses. */
export const MemberImportLine = z
  .strictObject({
    kind: z.literal('member'),
    externalId: ExternalId,
    email: z.email().max(254).optional(),
    name: Name(200).optional(),
    birthday: IsoDate.optional(),
    consent: Consent,
    enrolledAt: Timestamp.optional().meta({
      description: 'When the member enrolled (RFC 3339, not in the future); default: when the line is applied',
    }),
    points: z
      .int()
      .min(0)
      .max(1_000_000_000)
      .optional()
      .meta({ description: 'Opening points balance: one adjustment entry with reason "import"' }),
    cashback: Money.optional().meta({ description: "Opening available cashback, in the program's currency" }),
  })
  .meta({
    id: 'MemberImportLine',
    description: 'Enrols a member at enrolledAt with an opening balance (one adjustment entry); no bonuses',
  });

/** A purchase line: history for tiers and metrics; earns nothing. May carry its basket, like an earn. */
export const PurchaseImportLine = z
  .strictObject({
    kind: z.literal('purchase'),
    externalId: ExternalId.meta({ description: 'The member, by the externalId of its member line' }),
    orderId: OrderId,
    amount: PositiveMoney,
    occurredAt: Timestamp.meta({ description: 'When the purchase happened: any age, not in the future' }),
    ...basketFields,
  })
  .superRefine((purchase, ctx) => {
    for (const issue of basketIssues(purchase)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({
    id: 'PurchaseImportLine',
    description:
      "A past purchase: counts for tiers and metrics at occurredAt and earns nothing; unique per member and orderId. Its basket (lines, tenders, channel, storeId), when sent, is checked like an earn's and kept on the order",
  });

/** A segment line: adds a member to a list segment, or removes it (after every member line). */
export const SegmentImportLine = z
  .strictObject({
    kind: z.literal('segment'),
    segmentId: SegmentId.meta({ description: 'A list segment (a rules segment refuses the line)' }),
    externalId: ExternalId.meta({ description: 'The member, by the externalId of its member line' }),
    action: z.enum(['add', 'remove']),
  })
  .meta({
    id: 'SegmentImportLine',
    description:
      'Adds the member to a list segment or removes it, with its segment.entered / segment.left event; applied after the member lines. Adding a member already in (or removing one who is not) changes nothing',
  });

export const ImportLine = z.discriminatedUnion('kind', [MemberImportLine, PurchaseImportLine, SegmentImportLine]).meta({
  id: 'ImportLine',
  description: 'One line of a bulk import (NDJSON): a member line, a purchase line or a segment line',
  discriminator: {
    propertyName: 'kind',
    mapping: {
      member: '#/components/schemas/MemberImportLine',
      purchase: '#/components/schemas/PurchaseImportLine',
      segment: '#/components/schemas/SegmentImportLine',
    },
  },
});
export type ImportLine = z.infer<typeof ImportLine>;
export type MemberImportLine = z.infer<typeof MemberImportLine>;
export type PurchaseImportLine = z.infer<typeof PurchaseImportLine>;
export type SegmentImportLine = z.infer<typeof SegmentImportLine>;

export const ImportId = CallerId.meta({ description: 'The import, as POST /v1/admin/imports answered it' });

/** The largest upload: one PUT to S3 takes at most 5 GiB. */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** JSON body of POST /v1/admin/imports (an NDJSON body is the other way to send lines). */
export const CreateImportRequest = z
  .strictObject({
    upload: z.literal(true),
    size: z.int().min(1).max(MAX_UPLOAD_BYTES).meta({
      description:
        "The file's size in bytes (at most 5 GiB, what one PUT to S3 takes): the upload URL takes a body of exactly this size, once",
    }),
  })
  .meta({ id: 'CreateImportRequest', examples: [{ upload: true, size: 48_000_000 }] });

export const ImportStatus = z.enum(['waiting', 'running', 'done', 'failed']);

export const CreatedImport = z
  .object({
    importId: z.string(),
    status: ImportStatus,
    upload: z
      .object({
        url: z.string(),
        expiresAt: Timestamp,
        headers: z.record(z.string(), z.string()).meta({
          description:
            'Send these headers with the PUT (`Content-Length` of the declared size, `If-None-Match: *`): they are signed, so a PUT without them, of another size, or a second PUT is refused',
        }),
      })
      .optional(),
  })
  .meta({ id: 'CreatedImport' });

export const ImportProgress = z
  .object({
    importId: z.string(),
    status: ImportStatus,
    lines: z.int(),
    processed: z.int(),
    succeeded: z.int(),
    failed: z.int(),
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
    stopReason: z.string().optional().meta({
      description:
        'When `failed`: why it stopped, what to do, and whether sending the same file again is safe. An import that processed every line is `done`, its bad lines counted in `failed`.',
    }),
  })
  .meta({ id: 'ImportProgress' });

export const ImportLineError = z
  .object({
    line: z.int().meta({ description: 'Line number in the file, from 1' }),
    problem: z.object({
      type: z.string(),
      title: z.string(),
      detail: z.string(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'ImportLineError' });

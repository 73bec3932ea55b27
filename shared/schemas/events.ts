import * as z from 'zod';
import { SegmentEventData } from './segments';
import { Code } from './codes';
import { EVENT_TYPES, type EventType } from '@shared/domain/events';
import { CurrencyCode, FreeText, Timestamp } from './common';
import { Member, Transaction } from './members';
import { CampaignAppliedData } from './campaigns';
import { RaffleWonData } from './raffles';

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

const EventEnvelope = z.object({
  id: z.string().regex(/^evt_[0-9A-Z]{26}$/),
  type: EventTypeSchema,
  createdAt: Timestamp,
  memberId: z
    .string()
    .optional()
    .meta({ description: 'The member the event is about (absent for events about no member)' }),
  sequence: z.int().min(0).optional().meta({
    description:
      "Increases with every change of the member (the member's version × 100 + the event's index in the change): order and de-duplicate a member's events by it",
  }),
});

/**
 * The member as `GET /v1/members/{id}` shows it. Personal fields (email, name, birthday,
 * externalId, referralCode) may be absent: erasure removes them from stored events, and an
 * event over its size budget loses them (the member view keeps them); that filter removes the
 * tiers' `name`s too.
 */
const MemberEventData = Member.extend({
  referralCode: z.string().optional(),
  // The filter of personal fields removes every `name`, the tiers' too.
  tier: Member.shape.tier.extend({
    name: z.string().optional(),
    nextTier: Member.shape.tier.shape.nextTier.unwrap().extend({ name: z.string().optional() }).optional(),
  }),
}).meta({
  id: 'MemberEventData',
  description:
    "The member as GET /v1/members/{memberId} shows it; personal fields (and the tiers' names) may be absent: erased, or left out to keep the event small",
});

/** A ledger transaction as the API shows it; an earn's `breakdown` may be left out to keep the event small. */
const TransactionEventData = Transaction;

/**
 * Each event type's `data`, as the use cases emit it: the ledger transaction for a ledger
 * movement, the member view for a member change, a small object otherwise. The document
 * publishes these under `webhooks` and types the feed's items by them; a test checks every
 * emitted event against them.
 */
export const EVENT_DATA = {
  'member.enrolled': MemberEventData,
  'member.updated': MemberEventData,
  'member.erased': z.object({ memberId: z.string() }),
  'points.earned': TransactionEventData,
  'points.redeemed': TransactionEventData,
  'points.adjusted': TransactionEventData,
  'points.refunded': TransactionEventData,
  'points.expired': TransactionEventData,
  'points.expiring': z
    .object({
      expiresAt: Timestamp.meta({ description: 'When these points expire' }),
      points: z.int().meta({ description: 'Spendable points that expire then' }),
    })
    .meta({ description: 'One reminder per expiry date, expiry.remindDays ahead' }),
  'points.available': z
    .object({
      transactionId: z.string().meta({ description: 'The transaction that credited these points' }),
      lotId: z.string().meta({ description: 'The same id: the credit, as a lot of points' }),
      orderId: z.string().optional(),
      points: z.int().meta({ description: 'Points of the credit that became spendable' }),
      availableAt: Timestamp,
    })
    .meta({ description: 'Held points (earn.holdDays) that became spendable' }),
  'tier.changed': z.object({
    from: z.string().meta({ description: 'The tier id receivers were last told about' }),
    to: z.string(),
    direction: z.enum(['up', 'down']),
  }),
  'cashback.credited': TransactionEventData,
  'cashback.available': z
    .object({
      orderId: z.string(),
      cashback: z.object({ value: z.int(), currency: CurrencyCode, status: z.literal('available') }),
      availableAt: Timestamp,
    })
    .meta({ description: "A credit's hold (cashback.holdDays) ended: it can be spent" }),
  'cashback.redeemed': TransactionEventData,
  'reward.redeemed': TransactionEventData,
  'reward.out-of-stock': z.object({ rewardId: z.string() }),
  'raffle.won': RaffleWonData,
  'nps.answered': z
    .object({ score: z.int().min(0).max(10), answeredAt: Timestamp })
    .meta({ description: 'The score, never its comment' }),
  'webhook.test': z.object({ webhookId: z.string() }),
  'code.issued': Code,
  'code.used': Code,
  'code.released': Code,
  'code.expired': Code,
  'code.cancelled': Code,
  'points.returned': TransactionEventData,
  'campaign.applied': CampaignAppliedData,
  'segment.entered': SegmentEventData,
  'segment.left': SegmentEventData,
} satisfies Record<EventType, z.ZodType>;

/** `points.earned` → `PointsEarnedEvent`: the name of each type's event schema in the document. */
export const eventSchemaId = (type: EventType) =>
  `${type
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Event`;

const typedEvent = <T extends EventType>(type: T) =>
  EventEnvelope.extend({ type: z.literal(type), data: EVENT_DATA[type] }).meta({
    id: eventSchemaId(type),
    description: `The \`${type}\` event: the body of its webhook deliveries and an item of the feed`,
  });

/** Each event type's whole event (envelope and typed `data`), by type. */
export const TYPED_EVENTS = Object.fromEntries(EVENT_TYPES.map((type) => [type, typedEvent(type)])) as {
  [T in EventType]: ReturnType<typeof typedEvent<T>>;
};

export const Event = z
  .discriminatedUnion(
    'type',
    EVENT_TYPES.map((type) => TYPED_EVENTS[type]) as unknown as [
      ReturnType<typeof typedEvent>,
      ...ReturnType<typeof typedEvent>[],
    ],
  )
  .meta({
    id: 'Event',
    description: 'Something that changed; the body of every webhook delivery. `type` says which `data` it carries.',
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(EVENT_TYPES.map((type) => [type, `#/components/schemas/${eventSchemaId(type)}`])),
    },
  });

const EventIdParam = z.string().regex(/^evt_[0-9A-Z]{26}$/, 'is not an event id');
export const WebhookId = z.string().regex(/^whk_[0-9A-Z]{26}$/, 'is not a webhook id');

const typeList = (text: string) => text.split(',').filter((part) => part !== '');

export const EventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  after: z.string().min(1).max(1024).optional().meta({ description: 'The `nextCursor` of the previous page' }),
  types: z
    .string()
    .max(1024)
    .transform(typeList)
    .pipe(z.array(EventTypeSchema).min(1).max(EVENT_TYPES.length))
    .optional()
    .meta({ description: 'Comma-separated event types', examples: ['points.earned,tier.changed'] }),
  memberId: z
    .string()
    .regex(/^mem_[0-9A-Z]{26}$/, 'is not a member id')
    .optional(),
});

export const EventPage = z
  .object({
    items: z.array(Event),
    nextCursor: z
      .string()
      .meta({ description: 'Always present: pass it as `after` to get what happened since (the feed is never done)' }),
  })
  .meta({ id: 'EventPage' });

const WebhookTypes = z
  .array(z.union([EventTypeSchema, z.literal('*')]))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'must not repeat a type')
  .refine((types) => !types.includes('*') || types.length === 1, 'is either ["*"] or a list of types')
  .meta({ description: 'Event types to deliver, or ["*"] for all' });

const WebhookUrl = z
  .string()
  .min(1)
  .max(2048)
  .meta({
    description:
      'https URL that never resolves to a private, loopback or link-local address (checked at every delivery)',
    examples: ['https://example.com/hooks/rewards'],
  });
const WebhookStatus = z.enum(['enabled', 'disabled']);

export const CreateWebhookRequest = z
  .strictObject({
    url: WebhookUrl,
    types: WebhookTypes,
    description: FreeText(500).optional(),
  })
  .meta({
    id: 'CreateWebhookRequest',
    examples: [{ url: 'https://example.com/hooks/rewards', types: ['points.earned', 'tier.changed'] }],
  });

export const PatchWebhookRequest = z
  .strictObject({
    url: WebhookUrl.optional(),
    types: WebhookTypes.optional(),
    description: FreeText(500).nullable().optional(),
    status: WebhookStatus.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field')
  .meta({ id: 'PatchWebhookRequest', minProperties: 1, examples: [{ status: 'disabled' }] });

export const Webhook = z
  .object({
    webhookId: WebhookId,
    url: z.string(),
    types: z.array(z.string()),
    description: z.string().optional(),
    status: WebhookStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp.optional(),
  })
  .meta({ id: 'Webhook' });

export const CreatedWebhook = Webhook.extend({
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/)
    .optional()
    .meta({ description: 'Shown once, only in the first response (absent on an idempotent replay)' }),
}).meta({ id: 'CreatedWebhook' });

export const RotatedSecret = z
  .object({
    secret: z.string().optional().meta({ description: 'Shown once; the previous secret signs too for 24 hours' }),
  })
  .meta({ id: 'RotatedSecret' });

export const Delivery = z
  .object({
    eventId: z.string(),
    type: EventTypeSchema,
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.int().min(0),
    lastAttemptAt: Timestamp.optional(),
    lastStatusCode: z.int().optional(),
    lastError: z.string().optional().meta({ description: 'Why the last attempt had no HTTP answer' }),
    nextAttemptAt: Timestamp.optional(),
  })
  .meta({ id: 'Delivery' });

export const DeliveryWithPayload = Delivery.extend({
  payload: Event.optional().meta({
    description:
      'The event as this endpoint is sent it: the signed body is this object as JSON, keys in this order. ' +
      "Absent once the event is no longer stored (35 days). An erased member's events show what is left of them.",
  }),
}).meta({ id: 'DeliveryWithPayload' });

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});

export const WebhookParams = z.strictObject({ webhookId: WebhookId });
export const DeliveryParams = z.strictObject({ webhookId: WebhookId, eventId: EventIdParam });
export const Accepted = z.object({ eventId: z.string() }).meta({ id: 'Accepted' });

import * as z from 'zod';
import { EVENT_TYPES } from '@shared/domain/events';
import { FreeText, Timestamp } from './common';

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

export const Event = z
  .object({
    id: z.string().regex(/^evt_[0-9A-Z]{26}$/),
    type: EventTypeSchema,
    createdAt: Timestamp,
    memberId: z.string().optional(),
    sequence: z.int().min(0).optional().meta({
      description:
        "Increases with every change of the member (the member's version × 100 + the event's index in the change): order and de-duplicate a member's events by it",
    }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event', description: 'Something that changed; the body of every webhook delivery' });

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
  .meta({ id: 'PatchWebhookRequest', examples: [{ status: 'disabled' }] });

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

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});

export const WebhookParams = z.strictObject({ webhookId: WebhookId });
export const DeliveryParams = z.strictObject({ webhookId: WebhookId, eventId: EventIdParam });
export const Accepted = z.object({ eventId: z.string() }).meta({ id: 'Accepted' });

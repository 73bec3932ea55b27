/**
 * Events: what the engine tells the outside world about every change. Pure values and rules
 * only; storing them (in the use case's own transaction) is shared/store/items/event.ts, delivering
 * them is shared/delivery/.
 */
export const EVENT_TYPES = [
  'member.enrolled',
  'member.updated',
  'member.erased',
  'points.earned',
  'points.redeemed',
  'points.adjusted',
  'points.refunded',
  'points.expired',
  'points.expiring',
  'points.available',
  'tier.changed',
  'cashback.credited',
  'cashback.available',
  'cashback.redeemed',
  'reward.redeemed',
  'reward.out-of-stock',
  'raffle.won',
  'nps.answered',
  'webhook.test',
  'code.issued',
  'code.used',
  'code.released',
  'code.expired',
  'code.cancelled',
  'points.returned',
  'campaign.applied',
  'segment.entered',
  'segment.left',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

export interface DomainEvent {
  /** `evt_` + a ULID: unique, and sorts by creation time. It is the `webhook-id` of every delivery. */
  id: string;
  type: EventType;
  createdAt: string;
  memberId?: string;
  /** Increases with every change of one member (see `memberEventSequence`). */
  sequence?: number;
  data: Record<string, unknown>;
  /** Only on `webhook.test`: the one endpoint it is for. Never shown to receivers or in the feed. */
  target?: string;
}

/** What a receiver gets (the body of a delivery) and what the feed lists. */
export type PublicEvent = Omit<DomainEvent, 'target'>;

export function publicEvent(event: DomainEvent): PublicEvent {
  const { target: _target, ...visible } = event;
  return visible;
}

/**
 * A transaction holds at most 100 items, so one change of a member emits at most 100 events:
 * `version × 100 + index` increases with every change, is unique per member, and the member's
 * version can be read back from it (⌊sequence / 100⌋). `version` is the member's version AFTER
 * the change (the one the transaction writes).
 */
export const EVENTS_PER_CHANGE = 100;
export function memberEventSequence(version: number, index: number): number {
  if (!Number.isInteger(version) || version < 1) throw new RangeError('version must be a positive integer');
  if (!Number.isInteger(index) || index < 0 || index >= EVENTS_PER_CHANGE)
    throw new RangeError(`index must be 0..${EVENTS_PER_CHANGE - 1}`);
  return version * EVENTS_PER_CHANGE + index;
}

export interface EventDraft {
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * Builds the events of one change of one member: each gets its sequence from the member's new
 * version and its position in the change. `newId` is injected so that this stays a pure function.
 */
export function memberEvents(
  member: { memberId: string; version: number },
  drafts: readonly EventDraft[],
  createdAt: string,
  newId: () => string,
): DomainEvent[] {
  return drafts.map((draft, index) => ({
    id: newId(),
    type: draft.type,
    createdAt,
    memberId: member.memberId,
    sequence: memberEventSequence(member.version, index),
    data: draft.data,
  }));
}

/**
 * The only events about no member. Every other type concerns one member and carries its
 * `memberId` and `sequence`, so the member's feed (`GET /v1/events?memberId=`) shows it.
 */
export const EVENTS_ABOUT_NO_MEMBER: readonly EventType[] = ['reward.out-of-stock', 'webhook.test'];

/** An event about no member (reward.out-of-stock, webhook.test); any other type is refused. */
export function globalEvent(draft: EventDraft, createdAt: string, id: string, target?: string): DomainEvent {
  if (!EVENTS_ABOUT_NO_MEMBER.includes(draft.type))
    throw new Error(`a ${draft.type} event is about a member: emit it with that member's memberId`);
  return { id, type: draft.type, createdAt, data: draft.data, ...(target ? { target } : {}) };
}

/** `types` of a webhook endpoint: a list of types, or `["*"]` for all (never the test event, sent on request). */
export function endpointWants(types: readonly string[], event: Pick<DomainEvent, 'type'>): boolean {
  if (event.type === 'webhook.test') return false;
  return types.includes('*') || types.includes(event.type);
}

/**
 * Fields that name or reach a person: the profile, and the free text a caller wrote about the
 * member (an adjustment's `reason` and `reference`, a survey comment). `data` is the
 * transaction or the member view; erasure removes these from every stored event of the member
 * and from every answer kept for replays (the amounts stay, like the ledger's).
 */
export const PERSONAL_FIELDS = [
  'email',
  'name',
  'birthday',
  'externalId',
  'referralCode',
  'comment',
  'reason',
  'reference',
] as const;

export function withoutPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalData);
  if (value && typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      if (!(PERSONAL_FIELDS as readonly string[]).includes(key)) kept[key] = withoutPersonalData(inner);
    return kept;
  }
  return value;
}

/** Whether a value holds any of the PERSONAL_FIELDS, at any depth. */
export function holdsPersonalData(value: unknown): boolean {
  return JSON.stringify(withoutPersonalData(value)) !== JSON.stringify(value);
}

/**
 * An event item must stay within 1 KB (shared/store/items/event.ts); keys, id, type, times and
 * sequence take about 300 bytes, so `data` gets the rest. Measured as JSON, which is larger
 * than DynamoDB's own encoding: a margin, not a guess. Data over budget loses, in this order,
 * the earn's rule-by-rule breakdown (the ledger keeps it) and then the personal fields (the
 * member view keeps them): what is left is small by construction (ids, amounts, tier ids).
 */
export const EVENT_DATA_BUDGET_BYTES = 640;

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

export function fitEventData(data: Record<string, unknown>): Record<string, unknown> {
  if (jsonBytes(data) <= EVENT_DATA_BUDGET_BYTES) return data;
  const { breakdown: _breakdown, ...withoutBreakdown } = data;
  if (jsonBytes(withoutBreakdown) <= EVENT_DATA_BUDGET_BYTES) return withoutBreakdown;
  return withoutPersonalData(withoutBreakdown) as Record<string, unknown>;
}

/** Events are kept at least 30 days (the feed's promise); the TTL adds margin for late pollers. */
export const EVENT_RETENTION_DAYS = 35;

/** Seconds since the epoch at which DynamoDB's TTL may delete an event or delivery record. */
export function expiresAtEpochSeconds(createdAt: string): number {
  return Math.floor(Date.parse(createdAt) / 1000) + EVENT_RETENTION_DAYS * 86_400;
}

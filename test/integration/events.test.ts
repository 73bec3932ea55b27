import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalEvent, memberEvents, type DomainEvent } from '@shared/domain/events';
import { deliver, type DeliveryDeps } from '@shared/delivery/delivery';
import { fanOut } from '@shared/delivery/fanout';
import type { DeliveryMessage } from '@shared/delivery/queue';
import { newEventId, newWebhookId } from '@shared/ids';
import { commit } from '@shared/store/commit';
import {
  erasePersonalDataFromEvents,
  eventWrites,
  EventTooLargeError,
  eventPut,
  putEvents,
  readEvent,
  readEventFeed,
} from '@shared/store/items/event';
import { findDelivery, listDeliveries } from '@shared/store/items/delivery';
import { createWebhookWrites, deleteWebhookWrites, type WebhookEndpoint } from '@shared/store/items/webhook';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { handler as fanOutHandler } from '@functions/event-fanout';
import { useDeliveryQueue } from '@shared/delivery/queue';
import { eventToItem } from '@shared/store/items/event';
import { useDataKeys } from '@shared/secrets/data-keys';
import { LocalDataKeys } from '@shared/secrets/local-data-keys';
import { sealWebhookSecrets } from '@shared/secrets/webhook-secrets';
import { startReceiver, type Receiver } from '../support/receiver';
import { useFreshTable } from '../support/table';

const memberId = (n: number) => `mem_01JD${String(n).padStart(22, '0')}`;
const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 10, 0, second)).toISOString();

function earned(member: string, version: number, createdAt: string, extra: Record<string, unknown> = {}): DomainEvent {
  return memberEvents(
    { memberId: member, version },
    [{ type: 'points.earned', data: { points: version * 10, ...extra } }],
    createdAt,
    newEventId,
  )[0] as DomainEvent;
}

async function readAll(query: { types?: DomainEvent['type'][]; memberId?: string; limit: number }, now: Date) {
  const seen: DomainEvent[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const result = await readEventFeed({ ...query, ...(after ? { after } : {}), now, settleMs: 0 });
    expect(result.nextCursor).toBeTruthy();
    seen.push(...result.items);
    // The feed never ends; it is caught up when the cursor stops moving.
    if (result.nextCursor === after) return { seen, cursor: result.nextCursor };
    after = result.nextCursor;
  }
  throw new Error('feed did not end');
}

function endpoint(url: string, types: string[] = ['*']): WebhookEndpoint {
  return {
    webhookId: newWebhookId(),
    url,
    types,
    status: 'enabled',
    createdAt: new Date().toISOString(),
    revision: 1,
  };
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function register(hook: WebhookEndpoint): Promise<void> {
  const sealed = await sealWebhookSecrets(hook.webhookId, [{ secret: SECRET }]);
  await commit({ members: [], writes: createWebhookWrites(hook, sealed) }, undefined, new Date());
}

// DynamoDB Local on a busy machine (and 25 transactions queued on one count item) can take longer
// than the 3 s call timeout, which would leave a write's outcome unknown: not what these tests are about.
process.env.DYNAMODB_CALL_TIMEOUT_MS = '30000';

beforeAll(async () => {
  await useFreshTable();
  useDataKeys(LocalDataKeys.generate());
});

describe('events in the table', () => {
  it('are written once per member sequence: a second write of the same position is refused', async () => {
    const event = earned(memberId(1), 1, at(0));
    await putEvents([event]);
    await expect(putEvents([{ ...event, id: newEventId() }])).rejects.toThrow();
    expect(await readEvent({ eventId: event.id, memberId: memberId(1), sequence: 100 })).toEqual(event);
  });

  it('refuses an event item over 1 KB', () => {
    expect(() => eventPut(earned(memberId(2), 1, at(0), { note: 'x'.repeat(1000) }))).toThrow(EventTooLargeError);
  });

  it('commit with eventWrites stores the event in the same transaction as the change', async () => {
    const event = earned(memberId(3), 1, at(1));
    await commit({ members: [], writes: eventWrites([event]) }, undefined, new Date());
    expect(await readEvent({ eventId: event.id, memberId: memberId(3), sequence: event.sequence })).toEqual(event);
  });
});

describe('the feed', () => {
  const now = new Date(Date.UTC(2026, 10, 24, 11));
  let written: DomainEvent[];
  beforeAll(async () => {
    await useFreshTable();
    written = [];
    for (let i = 0; i < 30; i += 1) written.push(earned(memberId(10 + (i % 3)), Math.floor(i / 3) + 1, at(i)));
    written.push(globalEvent({ type: 'reward.out-of-stock', data: { rewardId: 'mug' } }, at(40), newEventId()));
    written.push(globalEvent({ type: 'webhook.test', data: {} }, at(41), newEventId(), newWebhookId()));
    await putEvents(written);
  });

  it('lists every event once, oldest first, across pages and shards; test events stay out', async () => {
    const { seen } = await readAll({ limit: 7 }, now);
    expect(seen.map((e) => e.id)).toEqual(written.slice(0, 31).map((e) => e.id));
  });

  it('filters by types, still page by page', async () => {
    const { seen } = await readAll({ limit: 4, types: ['reward.out-of-stock'] }, now);
    expect(seen.map((e) => e.type)).toEqual(['reward.out-of-stock']);
  });

  it("lists one member's events by sequence", async () => {
    const { seen } = await readAll({ limit: 3, memberId: memberId(11) }, now);
    expect(seen.map((e) => e.sequence)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('resumes from the last cursor with what happened since, and never shows events younger than the settle time', async () => {
    const { cursor } = await readAll({ limit: 100 }, now);
    const later = earned(memberId(12), 50, new Date(now.getTime() + 1000).toISOString());
    await putEvents([later]);
    const tooSoon = await readEventFeed({
      after: cursor,
      limit: 10,
      now: new Date(now.getTime() + 1500),
      settleMs: 1000,
    });
    expect(tooSoon.items).toEqual([]);
    const settled = await readEventFeed({
      after: tooSoon.nextCursor,
      limit: 10,
      now: new Date(now.getTime() + 2500),
      settleMs: 1000,
    });
    expect(settled.items.map((e) => e.id)).toEqual([later.id]);
  });

  it('refuses a cursor of another list', async () => {
    const page = await readEventFeed({ limit: 1, now, settleMs: 0 });
    await expect(
      readEventFeed({ after: page.nextCursor, memberId: memberId(10), limit: 1, now, settleMs: 0 }),
    ).rejects.toThrow();
  });
});

describe('erasure', () => {
  it('removes personal data from every stored event of the member, and only theirs', async () => {
    await useFreshTable();
    const profile = { email: 'ada@example.com', name: 'Ada', points: { balance: 5 } };
    const mine = memberEvents(
      { memberId: memberId(20), version: 1 },
      [
        { type: 'member.enrolled', data: profile },
        { type: 'member.updated', data: profile },
      ],
      at(0),
      newEventId,
    );
    const theirs = earned(memberId(21), 1, at(1), profile);
    await putEvents([...mine, theirs]);
    expect(await erasePersonalDataFromEvents(memberId(20))).toBe(2);
    for (const event of mine)
      expect((await readEvent({ eventId: event.id, memberId: memberId(20), sequence: event.sequence }))?.data).toEqual({
        points: { balance: 5 },
      });
    expect((await readEvent({ eventId: theirs.id, memberId: memberId(21), sequence: 100 }))?.data).toMatchObject(
      profile,
    );
    expect(await erasePersonalDataFromEvents(memberId(20))).toBe(0);
  });
});

describe('webhook endpoints', () => {
  it('are at most 20 per region, even created at once; a deleted one frees its place', async () => {
    await useFreshTable();
    const hooks = Array.from({ length: 25 }, () => endpoint('https://hooks.example.com/x'));
    const results = await Promise.allSettled(hooks.map(register));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'too-many-webhooks' });
    const hook = endpoint('https://hooks.example.com/y');
    await expect(register(hook)).rejects.toMatchObject({ code: 'too-many-webhooks' });
    const remove = (webhookId: string) =>
      commit({ members: [], writes: deleteWebhookWrites(webhookId) }, undefined, new Date());
    await expect(remove(hook.webhookId)).rejects.toMatchObject({ code: 'webhook-not-found' });
    await remove(hooks[results.findIndex((r) => r.status === 'fulfilled')]!.webhookId);
    await register(hook);
    await expect(register(endpoint('https://hooks.example.com/w'))).rejects.toMatchObject({
      code: 'too-many-webhooks',
    });
  });
});

describe('fan-out and delivery on a real receiver', () => {
  let receiver: Receiver;
  const sent: DeliveryMessage[] = [];
  const queue = { send: async (messages: readonly DeliveryMessage[]) => void sent.push(...messages) };
  const deps = (overrides: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
    now: () => new Date(),
    random: () => 0.5,
    retrySchedule: [10, 20],
    policy: { allowLoopback: true },
    ...overrides,
  });

  beforeAll(async () => {
    await useFreshTable();
    receiver = await startReceiver();
  });
  afterAll(async () => receiver?.close());

  it('makes one delivery per matching endpoint, delivers it signed, and records it', async () => {
    const all = endpoint(receiver.url);
    const tiers = endpoint(receiver.url, ['tier.changed']);
    await register(all);
    await register(tiers);
    const event = earned(memberId(30), 1, new Date().toISOString());
    await putEvents([event]);
    sent.length = 0;
    expect(await fanOut([event], { queue, now: () => new Date() })).toEqual({ messages: 1 });
    expect(sent).toEqual([{ webhookId: all.webhookId, eventId: event.id, memberId: memberId(30), sequence: 100 }]);
    // The stream may hand the same batch twice: the record stays one, the duplicate message is harmless.
    await fanOut([event], { queue, now: () => new Date() });
    expect((await listDeliveries(all.webhookId, { limit: 10 })).items).toHaveLength(1);

    expect(await deliver(sent[0]!, deps())).toEqual({ kind: 'delivered' });
    const request = receiver.received.at(-1)!;
    expect(new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>)).toEqual(
      JSON.parse(JSON.stringify(event)),
    );
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(await findDelivery(all.webhookId, event.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 204,
    });
    // The duplicate message finds it delivered and sends nothing.
    const before = receiver.received.length;
    expect(await deliver(sent[1]!, deps())).toEqual({ kind: 'done', reason: 'already delivered' });
    expect(receiver.received.length).toBe(before);
  });

  it('retries a failing receiver on the schedule and fails the delivery after the last attempt', async () => {
    const hook = endpoint(receiver.url);
    await register(hook);
    const event = earned(memberId(31), 1, new Date().toISOString());
    await putEvents([event]);
    sent.length = 0;
    await fanOut([event], { queue, now: () => new Date() });
    const message = sent.find((m) => m.webhookId === hook.webhookId)!;
    receiver.respond = () => 503;
    expect(await deliver(message, deps())).toEqual({ kind: 'retry', inSeconds: 10 });
    expect(await findDelivery(hook.webhookId, event.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 503,
    });
    receiver.respond = () => 302;
    expect(await deliver(message, deps())).toEqual({ kind: 'retry', inSeconds: 20 });
    expect(await deliver(message, deps())).toEqual({ kind: 'exhausted' });
    const failed = await findDelivery(hook.webhookId, event.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 302 });
    expect(failed?.nextAttemptAt).toBeUndefined();
    expect((await listDeliveries(hook.webhookId, { limit: 10, status: 'failed' })).items.map((d) => d.eventId)).toEqual(
      [event.id],
    );
    // By hand, later: one attempt, and it succeeds.
    receiver.respond = () => 200;
    expect(await deliver({ ...message, manual: true }, deps())).toEqual({ kind: 'delivered' });
    expect(await findDelivery(hook.webhookId, event.id)).toMatchObject({ status: 'succeeded', attempts: 4 });
    receiver.respond = () => 204;
  });

  it('gives up on a receiver that never answers after the timeout, and refuses a private address at delivery', async () => {
    const slow = endpoint(receiver.url);
    await register(slow);
    const event = earned(memberId(32), 1, new Date().toISOString());
    await putEvents([event]);
    sent.length = 0;
    await fanOut([event], { queue, now: () => new Date() });
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 2_000));
    const message = sent.find((m) => m.webhookId === slow.webhookId)!;
    expect(await deliver(message, deps({ timeoutMs: 300 }))).toEqual({ kind: 'retry', inSeconds: 10 });
    expect(await findDelivery(slow.webhookId, event.id)).toMatchObject({ lastError: 'no answer within 0.3 s' });
    receiver.respond = () => 204;
    // On AWS the same endpoint is refused before any connection (the loopback rule of the delivery).
    const count = receiver.received.length;
    expect(await deliver(message, deps({ policy: { allowLoopback: false } }))).toEqual({
      kind: 'retry',
      inSeconds: 20,
    });
    expect((await findDelivery(slow.webhookId, event.id))?.lastError).toMatch(/^url /);
    expect(receiver.received.length).toBe(count);
  });
});

describe('the fan-out Lambda handler', () => {
  it('reads new event items from stream records and queues their deliveries; other records are ignored', async () => {
    await useFreshTable();
    const hook = endpoint('https://hooks.example.com/stream');
    await register(hook);
    const event = earned(memberId(40), 1, new Date().toISOString());
    await putEvents([event]);
    const queued: DeliveryMessage[] = [];
    useDeliveryQueue({ send: async (messages) => void queued.push(...messages) });
    const record = (eventName: 'INSERT' | 'MODIFY', image: Record<string, unknown>) => ({
      eventName,
      dynamodb: { NewImage: marshall(image, { removeUndefinedValues: true }) },
    });
    await fanOutHandler({
      Records: [record('INSERT', eventToItem(event)), record('MODIFY', eventToItem(event))],
    } as unknown as DynamoDBStreamEvent);
    useDeliveryQueue(undefined);
    expect(queued).toEqual([{ webhookId: hook.webhookId, eventId: event.id, memberId: memberId(40), sequence: 100 }]);
    expect(await findDelivery(hook.webhookId, event.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

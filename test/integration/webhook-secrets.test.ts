import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as eventsHandler, SEAL_SECRETS_MIGRATION } from '@functions/events';
import * as app from '@shared/app/webhooks';
import type { Caller } from '@shared/app/support/outcome';
import { deliver, type DeliveryDeps } from '@shared/delivery/delivery';
import { fanOut } from '@shared/delivery/fanout';
import type { DeliveryMessage } from '@shared/delivery/queue';
import { memberEvents, type DomainEvent } from '@shared/domain/events';
import { newEventId, newWebhookId } from '@shared/ids';
import { useDataKeys } from '@shared/secrets/data-keys';
import { LocalDataKeys } from '@shared/secrets/local-data-keys';
import { openWebhookSecrets } from '@shared/secrets/webhook-secrets';
import { useStore, type StoreConfig } from '@shared/store/client';
import { putEvents } from '@shared/store/items/event';
import { createDelivery } from '@shared/store/items/delivery';
import { startReceiver, type Receiver } from '../support/receiver';
import { useFreshTable } from '../support/table';
import { respond } from '../support/use-cases';

/**
 * Webhook signing secrets at rest (issue 23): sealed by envelope encryption (the local key stands
 * in for the region's KMS key, the code path is the same), opened only to sign or rotate, never
 * read by the fan-out; endpoints stored in clear before sealing keep signing and get sealed.
 */
process.env.DYNAMODB_CALL_TIMEOUT_MS = '30000';

let table: StoreConfig;
let receiver: Receiver;
const caller: Caller = { partnerId: 'admin', idempotency: undefined, now: () => new Date() };
const deps: DeliveryDeps = {
  now: () => new Date(),
  random: () => 0.5,
  retrySchedule: [10],
  policy: { allowLoopback: true },
};

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
  table = await useFreshTable();
  useDataKeys(LocalDataKeys.generate());
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  useDataKeys(undefined);
});

const memberId = 'mem_01JD0000000000000000000042';
let version = 0;
async function newEvent(): Promise<DomainEvent> {
  version += 1;
  const [event] = memberEvents(
    { memberId, version },
    [{ type: 'points.earned', data: { points: 10 } }],
    new Date().toISOString(),
    newEventId,
  );
  await putEvents([event!]);
  return event!;
}

async function tableText(): Promise<string> {
  const { Items } = await table.client.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }));
  return JSON.stringify(Items);
}

async function webhookItem(webhookId: string) {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { PK: 'WEBHOOKS', SK: `WEBHOOK#${webhookId}` } }),
  );
  return Item ?? {};
}

/** Delivers `event` to the endpoint and answers whether the request verifies with each secret. */
async function deliverAndVerify(webhookId: string, event: DomainEvent, secrets: string[]): Promise<boolean[]> {
  const before = receiver.received.length;
  await createDelivery(webhookId, event, new Date());
  expect(await deliver({ webhookId, eventId: event.id, memberId, sequence: event.sequence }, deps)).toEqual({
    kind: 'delivered',
  });
  const request = receiver.received[before]!;
  return secrets.map((secret) => {
    try {
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  });
}

async function created(): Promise<{ webhookId: string; secret: string }> {
  const answer = await respond('createWebhook', app.createWebhook({ url: receiver.url, types: ['*'] }), caller);
  expect(answer.status).toBe(201);
  return answer.body as { webhookId: string; secret: string };
}

/** An endpoint as stored before sealing: its secrets in clear. */
async function legacyEndpoint(secret: string): Promise<string> {
  const webhookId = newWebhookId();
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        PK: 'WEBHOOKS',
        SK: `WEBHOOK#${webhookId}`,
        entity: 'webhook',
        webhookId,
        url: receiver.url,
        types: ['*'],
        status: 'enabled',
        createdAt: new Date().toISOString(),
        secrets: [{ secret }],
        revision: 1,
      },
    }),
  );
  return webhookId;
}

describe('webhook secrets at rest', () => {
  it('are stored sealed: no item holds a new secret in clear, and delivery signs with it', async () => {
    const { webhookId, secret } = await created();
    expect(secret).toMatch(/^whsec_/);
    const text = await tableText();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice('whsec_'.length));
    const item = await webhookItem(webhookId);
    expect(item.secrets).toBeUndefined();
    const sealed = item.sealedSecrets as { key?: unknown; data?: unknown };
    expect([typeof sealed.key, typeof sealed.data]).toEqual(['string', 'string']);
    expect(await deliverAndVerify(webhookId, await newEvent(), [secret])).toEqual([true]);
  });

  it('are never read by the fan-out: its query projects the endpoint fields only', async () => {
    const answers: unknown[] = [];
    const inputs: Record<string, unknown>[] = [];
    const client = new Proxy(table.client, {
      get(target, property, receiverOf) {
        if (property !== 'send') return Reflect.get(target, property, receiverOf) as unknown;
        return async (command: { input: Record<string, unknown> }) => {
          inputs.push(command.input);
          const answer = (await target.send(command as never)) as unknown;
          answers.push(answer);
          return answer;
        };
      },
    });
    useStore({ ...table, client });
    try {
      const sent: DeliveryMessage[] = [];
      const result = await fanOut([await newEvent()], {
        queue: {
          send: (messages) => {
            sent.push(...messages);
            return Promise.resolve();
          },
        },
        now: () => new Date(),
      });
      expect(result.messages).toBeGreaterThan(0);
    } finally {
      useStore(table);
    }
    const read = JSON.stringify(answers);
    expect(read).toContain('webhookId');
    expect(read).not.toMatch(/sealedSecrets|"secrets"|whsec_/);
    const query = inputs.find((input) => input.KeyConditionExpression !== undefined);
    expect(query?.ProjectionExpression).toBeTruthy();
  });

  it('rotate: the new secret and the old one both sign during the overlap, both still sealed', async () => {
    const { webhookId, secret } = await created();
    const rotated = await respond('rotateWebhookSecret', app.rotateWebhookSecret(webhookId), caller);
    const fresh = (rotated.body as { secret: string }).secret;
    expect(fresh).not.toBe(secret);
    const text = await tableText();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(fresh);
    expect(await deliverAndVerify(webhookId, await newEvent(), [fresh, secret])).toEqual([true, true]);
  });

  it('a sealed value opens only for the endpoint it was sealed for', async () => {
    const { webhookId } = await created();
    const sealed = (await webhookItem(webhookId)).sealedSecrets as { key: string; data: string };
    await expect(openWebhookSecrets(webhookId, { sealed })).resolves.toHaveLength(1);
    await expect(openWebhookSecrets(newWebhookId(), { sealed })).rejects.toThrow();
  });

  it('in clear from before sealing: keep signing, and the next change seals them', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const webhookId = await legacyEndpoint(secret);
    expect(await deliverAndVerify(webhookId, await newEvent(), [secret])).toEqual([true]);
    const patched = await respond('patchWebhook', app.patchWebhook(webhookId, { description: 'till' }), caller);
    expect(patched.status).toBe(200);
    const item = await webhookItem(webhookId);
    expect(item.secrets).toBeUndefined();
    expect(JSON.stringify(item)).not.toContain(secret.slice('whsec_'.length));
    expect(await deliverAndVerify(webhookId, await newEvent(), [secret])).toEqual([true]);
  });

  it('the migration (the webhook admin function invoked directly) seals every endpoint in clear, once', async () => {
    const secrets = ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'];
    const ids = [await legacyEndpoint(secrets[0]!), await legacyEndpoint(secrets[1]!)];
    const invoke = () => eventsHandler(SEAL_SECRETS_MIGRATION as never, {} as Context);
    expect(await invoke()).toEqual({ sealed: 2, changedMeanwhile: 0 });
    const text = await tableText();
    for (const secret of secrets) expect(text).not.toContain(secret.slice('whsec_'.length));
    for (const [index, webhookId] of ids.entries())
      expect(await deliverAndVerify(webhookId, await newEvent(), [secrets[index]!])).toEqual([true]);
    // Running it again finds nothing left in clear.
    expect(await invoke()).toEqual({ sealed: 0, changedMeanwhile: 0 });
  });
});

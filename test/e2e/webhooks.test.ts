import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberEvents } from '@shared/domain/events';
import { newEventId } from '@shared/ids';
import { putEvents } from '@shared/store/items/event';
import { startTestApi, type TestApi } from '../support/api';
import { startReceiver, type Receiver } from '../support/receiver';

const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
let receiver: Receiver;
beforeAll(async () => {
  // Retries after 1 and 2 seconds, then failed: the whole schedule runs within the test.
  process.env.WEBHOOK_RETRY_SCHEDULE = '1,2';
  api = await startTestApi();
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.stop();
  await receiver?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  api.call(method, path, { as: 'admin', ...(body !== undefined ? { body } : {}) });

async function createHook(types: string[] = ['*'], url = receiver.url) {
  const created = await admin('POST', '/v1/admin/webhooks', { url, types, description: 'e2e' });
  expect(created.status).toBe(201);
  return created.body as { webhookId: string; secret: string };
}

const verified = (secret: string) => (request: { body: string; headers: Record<string, unknown> }) => {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

const memberId = (n: number) => `mem_01JE${String(n).padStart(22, '0')}`;
async function insertEarned(member: string, version: number, createdAt = new Date()) {
  const [event] = memberEvents(
    { memberId: member, version },
    [{ type: 'points.earned', data: { points: 10 * version } }],
    createdAt.toISOString(),
    newEventId,
  );
  await putEvents([event!]);
  return event!;
}

describe('webhook endpoints over HTTP', () => {
  it('creates with the secret shown once, lists and gets without it', async () => {
    const key = 'create-hook-once';
    const first = await api.call('POST', '/v1/admin/webhooks', {
      as: 'admin',
      idempotencyKey: key,
      body: { url: receiver.url, types: ['points.earned'] },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ url: receiver.url, types: ['points.earned'], status: 'enabled' });
    expect(first.body.secret).toMatch(/^whsec_/);
    const replay = await api.call('POST', '/v1/admin/webhooks', {
      as: 'admin',
      idempotencyKey: key,
      body: { url: receiver.url, types: ['points.earned'] },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.webhookId).toBe(first.body.webhookId);
    expect(replay.body.secret).toBeUndefined();
    const list = await admin('GET', '/v1/admin/webhooks');
    expect(list.body.items.map((w: { webhookId: string }) => w.webhookId)).toContain(first.body.webhookId);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const one = await admin('GET', `/v1/admin/webhooks/${first.body.webhookId}`);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    expect((await admin('DELETE', `/v1/admin/webhooks/${first.body.webhookId}`)).status).toBe(204);
    expect((await admin('GET', `/v1/admin/webhooks/${first.body.webhookId}`)).status).toBe(404);
  });

  it('refuses unknown types and forbidden URLs with 400 and the field path; partners get 403', async () => {
    const badType = await admin('POST', '/v1/admin/webhooks', { url: receiver.url, types: ['points.stolen'] });
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].path).toBe('body.types.0');
    for (const url of ['http://10.0.0.1/hook', 'https://169.254.169.254/latest', 'not a url', 'ftp://example.com/x']) {
      const refused = await admin('POST', '/v1/admin/webhooks', { url, types: ['*'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body).toMatchObject({ type: `${problems}forbidden-webhook-url`, errors: [{ path: 'body.url' }] });
    }
    expect((await api.call('POST', '/v1/admin/webhooks', { body: { url: receiver.url, types: ['*'] } })).status).toBe(
      403,
    );
  });

  it('patches url, types, description and status; an empty patch is a 400', async () => {
    const { webhookId } = await createHook();
    const patched = await admin('PATCH', `/v1/admin/webhooks/${webhookId}`, {
      types: ['tier.changed'],
      status: 'disabled',
      description: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ types: ['tier.changed'], status: 'disabled' });
    expect(patched.body.description).toBeUndefined();
    expect((await admin('PATCH', `/v1/admin/webhooks/${webhookId}`, {})).status).toBe(400);
    const forbidden = await admin('PATCH', `/v1/admin/webhooks/${webhookId}`, { url: 'http://192.168.0.1/x' });
    expect(forbidden.body.errors[0].path).toBe('body.url');
    expect((await admin('DELETE', `/v1/admin/webhooks/${webhookId}`)).status).toBe(204);
  });
});

describe('deliveries to a real receiver', () => {
  it('sends a signed webhook.test event to that endpoint only', async () => {
    const { webhookId, secret } = await createHook();
    const other = await createHook();
    const test = await admin('POST', `/v1/admin/webhooks/${webhookId}/test`);
    expect(test.status).toBe(202);
    const eventId = test.body.eventId as string;
    await receiver.waitFor((all) => all.some((r) => r.headers['webhook-id'] === eventId));
    const requests = receiver.received.filter((r) => r.headers['webhook-id'] === eventId);
    expect(requests.filter(verified(secret))).toHaveLength(1);
    expect(requests.filter(verified(other.secret))).toHaveLength(0);
    expect(JSON.parse(requests[0]!.body)).toMatchObject({ id: eventId, type: 'webhook.test', data: { webhookId } });
    expect(JSON.parse(requests[0]!.body).target).toBeUndefined();
    const deliveries = await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries`);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({ eventId, type: 'webhook.test', status: 'succeeded', attempts: 1, lastStatusCode: 204 }),
    ]);
    await admin('DELETE', `/v1/admin/webhooks/${webhookId}`);
    await admin('DELETE', `/v1/admin/webhooks/${other.webhookId}`);
  });

  it('shows a delivery with its payload: exactly the body the receiver verified, before and after it succeeds', async () => {
    const { webhookId, secret } = await createHook(['points.earned']);
    receiver.respond = () => 500;
    const event = await insertEarned(memberId(40), 1);
    await receiver.waitFor((all) => all.some((r) => r.headers['webhook-id'] === event.id));
    const sent = receiver.received.find((r) => r.headers['webhook-id'] === event.id)!;
    expect(verified(secret)(sent)).toBe(true);
    const path = `/v1/admin/webhooks/${webhookId}/deliveries/${event.id}`;
    let pending = await admin('GET', path);
    // The attempt's result is recorded just after the receiver answered it.
    for (let tries = 0; pending.body.attempts === 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pending = await admin('GET', path);
    }
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ eventId: event.id, type: 'points.earned', status: 'pending', attempts: 1 });
    expect(pending.body.lastStatusCode).toBe(500);
    // The signed body, byte for byte: what a receiver checks the signature over.
    expect(JSON.stringify(pending.body.payload)).toBe(sent.body);
    expect(JSON.stringify(pending.body)).not.toContain(secret.replace(/^whsec_/, ''));
    expect(JSON.stringify(pending.body)).not.toMatch(/whsec_|signature/i);

    receiver.respond = () => 204;
    expect((await admin('POST', `${path}/retry`)).status).toBe(202);
    await expect.poll(async () => (await admin('GET', path)).body.status, { timeout: 10_000 }).toBe('succeeded');
    expect((await admin('GET', path)).body.payload).toEqual(JSON.parse(sent.body));

    const unknownEvent = await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries/${newEventId()}`);
    expect(unknownEvent.status).toBe(404);
    expect(unknownEvent.body.type).toBe(`${problems}delivery-not-found`);
    const unknownHook = await admin('GET', `/v1/admin/webhooks/whk_${'0'.repeat(26)}/deliveries/${event.id}`);
    expect(unknownHook.body.type).toBe(`${problems}webhook-not-found`);
    expect((await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries/evt_bad`)).status).toBe(400);
    expect((await api.call('GET', path)).status).toBe(403);
    await admin('DELETE', `/v1/admin/webhooks/${webhookId}`);
  });

  it('retries a failing receiver, lists the failure, and delivers again by hand', async () => {
    const { webhookId, secret } = await createHook(['points.earned']);
    const member = memberId(1);
    receiver.respond = () => 500;
    const event = await insertEarned(member, 1);
    // 1 + the two retries of WEBHOOK_RETRY_SCHEDULE=1,2 (with jitter), then failed.
    await receiver.waitFor((all) => all.filter((r) => r.headers['webhook-id'] === event.id).length === 3, 15_000);
    const attempts = receiver.received.filter((r) => r.headers['webhook-id'] === event.id);
    expect(attempts.every(verified(secret))).toBe(true);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(700);
    let failed: { body: { items: Array<Record<string, unknown>> } } | undefined;
    for (let i = 0; i < 40; i += 1) {
      failed = await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries?status=failed`);
      if (failed.body.items.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(failed!.body.items).toEqual([
      expect.objectContaining({ eventId: event.id, status: 'failed', attempts: 3, lastStatusCode: 500 }),
    ]);
    expect((await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries?status=succeeded`)).body.items).toEqual([]);

    receiver.respond = () => 204;
    const retry = await admin('POST', `/v1/admin/webhooks/${webhookId}/deliveries/${event.id}/retry`);
    expect(retry.status).toBe(202);
    await receiver.waitFor((all) => all.filter((r) => r.headers['webhook-id'] === event.id).length === 4);
    for (let i = 0; i < 40; i += 1) {
      const after = await admin('GET', `/v1/admin/webhooks/${webhookId}/deliveries?status=succeeded`);
      if (after.body.items.length > 0) {
        expect(after.body.items[0]).toMatchObject({ eventId: event.id, attempts: 4, lastStatusCode: 204 });
        break;
      }
      if (i === 39) throw new Error('manual retry not recorded');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const unknown = await admin('POST', `/v1/admin/webhooks/${webhookId}/deliveries/${newEventId()}/retry`);
    expect(unknown.status).toBe(404);
    await admin('DELETE', `/v1/admin/webhooks/${webhookId}`);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const { webhookId, secret: old } = await createHook();
    const rotated = await admin('POST', `/v1/admin/webhooks/${webhookId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    const test = await admin('POST', `/v1/admin/webhooks/${webhookId}/test`);
    await receiver.waitFor((all) => all.some((r) => r.headers['webhook-id'] === test.body.eventId));
    const request = receiver.received.find((r) => r.headers['webhook-id'] === test.body.eventId)!;
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(old)(request)).toBe(true);
    expect(verified(fresh)(request)).toBe(true);
    await admin('DELETE', `/v1/admin/webhooks/${webhookId}`);
  });

  it('delivers an event that committed after the feed had moved past its time (a slow transaction)', async () => {
    const { webhookId, secret } = await createHook(['points.earned']);
    receiver.respond = () => 204;
    // Its time is 10 s ago, far behind the local reader's cursor (0.5 s settle): only the
    // reader's second look at the last 30 s finds it (every 5 s).
    const late = await insertEarned(memberId(4), 1, new Date(Date.now() - 10_000));
    await receiver.waitFor((all) => all.some((r) => r.headers['webhook-id'] === late.id), 20_000);
    const requests = receiver.received.filter((r) => r.headers['webhook-id'] === late.id);
    expect(requests).toHaveLength(1);
    expect(verified(secret)(requests[0]!)).toBe(true);
    await admin('DELETE', `/v1/admin/webhooks/${webhookId}`);
  });
});

describe('the feed over HTTP', () => {
  it('pages oldest first with an always-present cursor, filters by type and member, needs events:read', async () => {
    const member = memberId(2);
    const start = await api.call('GET', '/v1/events?limit=100');
    expect(start.status).toBe(200);
    let cursor = start.body.nextCursor as string;
    expect(cursor).toBeTruthy();
    const inserted = [await insertEarned(member, 1), await insertEarned(member, 2), await insertEarned(memberId(3), 1)];
    await new Promise((resolve) => setTimeout(resolve, 800)); // the local feed's settle time (0.5 s)
    const seen: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const page = await api.call('GET', `/v1/events?limit=1&types=points.earned&after=${cursor}`);
      expect(page.status).toBe(200);
      expect(page.body.nextCursor).toBeTruthy();
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      if (page.body.nextCursor === cursor) break;
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(expect.arrayContaining(inserted.map((e) => e.id)));
    expect(seen.indexOf(inserted[0]!.id)).toBeLessThan(seen.indexOf(inserted[1]!.id));
    const mine = await api.call('GET', `/v1/events?memberId=${member}`);
    expect(mine.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([100, 200]);
    const tests = await api.call('GET', `/v1/events?types=member.erased`);
    expect(tests.body.items).toEqual([]);

    expect((await api.call('GET', '/v1/events?types=points.stolen')).status).toBe(400);
    expect((await api.call('GET', '/v1/events?after=garbage')).status).toBe(400);
    expect((await api.call('GET', '/v1/events?memberId=nope')).body.errors[0].path).toBe('query.memberId');
    const partner = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'no events', scopes: ['members:read'] },
    });
    expect((await api.call('GET', '/v1/events', { key: partner.body.apiKey })).status).toBe(403);
  });
});

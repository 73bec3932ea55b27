import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { store } from '@shared/store/client';
import { startTestApi, type TestApi } from '../support/api';

/** The audit log over HTTP: admin and support-desk changes, each recorded with the change, and nothing else. */
interface Audited {
  at: string;
  actor: { partnerId: string; name: string };
  kind: string;
  target: string;
  summary: string;
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } });
});
afterAll(async () => {
  await api?.stop();
});

const consent = { marketing: false, analytics: false };
type Body = Record<string, unknown>;
const call = (...args: Parameters<TestApi['call']>) => api.call<Body>(...args);

async function audit(query = ''): Promise<Audited[]> {
  const answered = await call('GET', `/v1/admin/audit${query}`, { as: 'admin' });
  expect(answered.status).toBe(200);
  return answered.body.items as Audited[];
}

/** Every page of a query, followed by its cursor. */
async function auditPages(query: string): Promise<{ pages: number; items: Audited[] }> {
  const items: Audited[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const separator = query ? '&' : '?';
    const path = `/v1/admin/audit${query}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answered = await call('GET', path, { as: 'admin' });
    expect(answered.status).toBe(200);
    items.push(...(answered.body.items as Audited[]));
    cursor = answered.body.nextCursor as string | undefined;
    pages += 1;
  } while (cursor);
  return { pages, items };
}

describe('GET /v1/admin/audit', () => {
  let supportId = '';
  let memberId = '';
  let programVersion = 0;

  it('records each admin and support-desk change with who made it, newest first, without personal data', async () => {
    const program = await call('GET', '/v1/admin/program', { as: 'admin' });
    const { version: _version, updatedAt: _updatedAt, ...rules } = program.body as Record<string, unknown>;
    const saved = await call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...rules, earn: { pointsPerUnit: 7 } },
    });
    expect(saved.status).toBe(200);
    programVersion = saved.body.version as number;

    expect(
      (await call('PUT', '/v1/admin/rewards/audit-mug', { as: 'admin', body: { name: 'Mug', pointsCost: 40 } })).status,
    ).toBe(201);
    const support = await call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Support desk', scopes: ['members:read', 'points:adjust'] },
    });
    expect(support.status).toBe(201);
    supportId = support.body.partnerId as string;

    const enrolled = await call('POST', '/v1/members', {
      body: { consent, email: 'ada@example.com', name: 'Ada Lovelace' },
    });
    expect(enrolled.status).toBe(201);
    memberId = enrolled.body.memberId as string;
    const adjusted = await call('POST', `/v1/members/${memberId}/adjustments`, {
      key: support.body.apiKey as string,
      idempotencyKey: 'audit-adjust-1',
      body: { points: 50, reason: 'Goodwill for Ada, ada@example.com', reference: 'ticket-Ada' },
    });
    expect(adjusted.status).toBe(201);
    // A replay of the same request changes nothing, so it audits nothing.
    const replay = await call('POST', `/v1/members/${memberId}/adjustments`, {
      key: support.body.apiKey as string,
      idempotencyKey: 'audit-adjust-1',
      body: { points: 50, reason: 'Goodwill for Ada, ada@example.com', reference: 'ticket-Ada' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('DELETE', `/v1/members/${memberId}`, { as: 'admin' })).status).toBe(204);

    const items = await audit();
    expect(items.map((item) => item.kind)).toEqual([
      'member.erased',
      'points.adjusted',
      'partner.created',
      'reward.saved',
      'program.saved',
    ]);
    const times = items.map((item) => item.at);
    expect([...times].sort().reverse()).toEqual(times);
    const [erased, adjustment, partner, reward, saves] = items;
    expect(erased).toMatchObject({
      actor: { partnerId: 'local-admin', name: 'Local admin' },
      target: `member:${memberId}`,
    });
    expect(adjustment).toMatchObject({
      actor: { partnerId: supportId, name: 'Support desk' },
      target: `member:${memberId}`,
      summary: `Member ${memberId} adjusted by +50 points (${adjusted.body.transactionId as string})`,
    });
    expect(partner).toMatchObject({
      actor: { partnerId: 'local-admin', name: 'Local admin' },
      target: `partner:${supportId}`,
    });
    expect(reward).toMatchObject({
      target: 'reward:audit-mug',
      summary: 'Reward audit-mug created (revision 1, 40 points)',
    });
    expect(saves).toMatchObject({ target: 'program', summary: `Program version ${programVersion} saved` });
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['actor', 'at', 'kind', 'summary', 'target']);
      // The member's name, email and the adjustment's free text (not bare "ada": an id may hold it).
      expect(item.summary).not.toMatch(/lovelace|ada@example|goodwill|ticket-ada/i);
    }
  });

  it('filters by actor and by kind, and pages with a cursor', async () => {
    const bySupport = await audit(`?actor=${supportId}`);
    expect(bySupport.map((item) => [item.kind, item.actor.partnerId])).toEqual([['points.adjusted', supportId]]);
    const saves = await audit('?kind=program.saved');
    expect(saves.map((item) => item.summary)).toEqual([`Program version ${programVersion} saved`]);
    const byAdmin = await audit('?actor=local-admin&kind=reward.saved');
    expect(byAdmin.map((item) => item.target)).toEqual(['reward:audit-mug']);
    expect(await audit(`?actor=${supportId}&kind=member.erased`)).toEqual([]);

    const whole = await audit();
    const paged = await auditPages('?limit=2');
    expect(paged.items).toEqual(whole);
    expect(paged.pages).toBeGreaterThanOrEqual(3);
    // A range: only what happened in it.
    const [newest, second] = whole;
    expect(await audit(`?from=${second!.at}&to=${newest!.at}`)).toEqual(whole.filter((item) => item.at >= second!.at));
    expect(await audit(`?to=${new Date(Date.parse(whole.at(-1)!.at) - 1).toISOString()}`)).toEqual([]);
  });

  it('refuses a range that ends before it starts, an unknown kind and a cursor of another query (400 with the path)', async () => {
    const backwards = await call('GET', '/v1/admin/audit?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z', {
      as: 'admin',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ path: 'query.to' })]);
    const kind = await call('GET', '/v1/admin/audit?kind=everything', { as: 'admin' });
    expect(kind.status).toBe(400);
    expect(kind.body.errors).toEqual([expect.objectContaining({ path: 'query.kind' })]);
    const first = await call('GET', '/v1/admin/audit?limit=1', { as: 'admin' });
    const other = await call(
      'GET',
      `/v1/admin/audit?limit=1&kind=program.saved&cursor=${encodeURIComponent(first.body.nextCursor as string)}`,
      { as: 'admin' },
    );
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    // The audit log is the admin's: a partner key cannot read it.
    expect((await call('GET', '/v1/admin/audit')).status).toBe(403);
  });

  it('a refused change leaves no audit record', async () => {
    const before = await audit();
    const support = await call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Desk two', scopes: ['members:read', 'points:adjust'] },
    });
    const enrolled = await call('POST', '/v1/members', { body: { consent } });
    const memberId = enrolled.body.memberId as string;
    // A debit below zero, an adjustment of an unknown member, a reward for an unknown tier, a stale program save.
    const debit = await call('POST', `/v1/members/${memberId}/adjustments`, {
      key: support.body.apiKey as string,
      body: { points: -10, reason: 'oops' },
    });
    expect(debit.status).toBeGreaterThanOrEqual(400);
    const unknown = await call('POST', '/v1/members/mem_01NOSUCHMEMBER0000000000000/adjustments', {
      key: support.body.apiKey as string,
      body: { points: 10, reason: 'oops' },
    });
    expect(unknown.status).toBe(404);
    const tier = await call('PUT', '/v1/admin/rewards/gold-only', {
      as: 'admin',
      body: { name: 'Gold only', pointsCost: 10, minTier: 'no-such-tier' },
    });
    expect(tier.status).toBeGreaterThanOrEqual(400);
    const program = await call('GET', '/v1/admin/program', { as: 'admin' });
    const stale = await call('PUT', '/v1/admin/program', {
      as: 'admin',
      headers: { 'If-Match': `"${(program.body.version as number) - 1}"` },
      body: { ...program.body, earn: { pointsPerUnit: 9 } },
    });
    expect(stale.status).toBe(412);
    const after = await audit();
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({ kind: 'partner.created', target: `partner:${support.body.partnerId as string}` });
  });

  it('records an upload of pool codes, and nothing for an upload that adds none or is refused', async () => {
    const pool = { type: 'code', source: 'pool', validDays: 10, chargeOn: 'issue' };
    expect(
      (
        await call('PUT', '/v1/admin/rewards/audit-pool', {
          as: 'admin',
          body: { name: 'Pool', pointsCost: 5, fulfilment: pool },
        })
      ).status,
    ).toBe(201);
    const upload = (rewardId: string, codes: string[]) =>
      call('POST', `/v1/admin/rewards/${rewardId}/codes`, { as: 'admin', body: { codes } });
    expect((await upload('audit-pool', ['AUDIT-0001', 'AUDIT-0002', 'AUDIT-0001'])).status).toBe(201);
    const [uploaded] = await audit('?kind=codes.uploaded');
    expect(uploaded).toMatchObject({
      actor: { partnerId: 'local-admin', name: 'Local admin' },
      target: 'reward:audit-pool',
      summary: '2 codes added to the pool of reward audit-pool (1 duplicates)',
    });
    const before = await audit();
    expect((await upload('audit-pool', ['AUDIT-0001'])).status).toBe(201);
    expect((await upload('audit-mug', ['AUDIT-0003'])).status).toBe(409);
    expect(await audit()).toEqual(before);
  });

  it('keeps each record at least 400 days (its TTL)', async () => {
    const { client, tableName } = store();
    const month = new Date().toISOString().slice(0, 7);
    const stored = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#${month}` },
      }),
    );
    expect(stored.Items?.length).toBeGreaterThan(0);
    for (const item of stored.Items ?? [])
      expect(Number(item.ttl) * 1000 - Date.parse(String(item.at))).toBeGreaterThanOrEqual(400 * 86_400_000);
  });
});

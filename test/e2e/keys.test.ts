import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startLocalStack } from '@infra/local/stack';
import { startTestApi, type TestApi } from '../support/api';

/** API keys over HTTP: admin keys are managed like partner keys; rotation and re-seeding leave no stray key working. */
const DAY_MS = 24 * 60 * 60 * 1000;
const problems = 'https://rewards-api.dev/problems/';

describe('admin keys are listed, rotated and deleted like partner keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.stop());

  it('lists the admin key with role admin; its rotation and deletion work as a partner’s', async () => {
    const listed = await api.call('GET', '/v1/admin/partners?limit=100', { as: 'admin' });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ partnerId: 'local-admin', name: 'Local admin', role: 'admin' }),
    );
    expect(listed.body.items).toContainEqual(expect.objectContaining({ partnerId: 'local-partner', role: 'partner' }));
    expect(JSON.stringify(listed.body)).not.toMatch(/rk_|keyHash/);

    const rotated = await api.call('POST', '/v1/admin/partners/local-admin/rotate-key', { as: 'admin' });
    expect(rotated.status).toBe(200);
    const newKey = rotated.body.apiKey as string;
    // The new key is an admin key; the old one keeps working through the overlap.
    expect((await api.call('GET', '/v1/admin/program', { key: newKey })).status).toBe(200);
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).status).toBe(200);
    expect((await api.call('GET', '/v1/admin/partners?limit=100', { key: newKey })).body.items).toContainEqual(
      expect.objectContaining({ partnerId: 'local-admin', role: 'admin' }),
    );

    const deleted = await api.call('DELETE', '/v1/admin/partners/local-admin', { key: newKey });
    expect(deleted.status).toBe(204);
    for (const key of [newKey, api.adminKey]) {
      const refused = await api.call('GET', '/v1/admin/program', { key });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ type: `${problems}unauthorized` });
    }
  });
});

describe('a rotated key’s 24 hours are real time, whatever the test clock says', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The test clock starts a month ago (as for `npm run demo`): a grace counted from it would be over already.
    api = await startTestApi({}, { testClock: true, testClockStart: new Date(Date.now() - 30 * DAY_MS) });
  });
  afterAll(async () => api?.stop());

  it('keeps the old key working after a rotation, with the clock behind and after moving it days ahead', async () => {
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['members:read'] },
    });
    expect(created.status).toBe(201);
    const read = (key: string) => api.call('GET', '/v1/members?externalId=nobody', { key });
    const first = created.body.apiKey as string;
    const rotated = await api.call('POST', `/v1/admin/partners/${created.body.partnerId}/rotate-key`, { as: 'admin' });
    expect(rotated.status).toBe(200);
    expect((await read(first)).status).toBe(200);
    expect((await read(rotated.body.apiKey as string)).status).toBe(200);

    // Moving the test clock 40 days on (10 days past real time) changes nothing: the overlap is 24 hours of the system clock.
    const moved = await api.call('POST', '/v1/admin/test-clock', {
      as: 'admin',
      body: { now: new Date(Date.now() + 10 * DAY_MS).toISOString() },
    });
    expect(moved.status).toBe(200);
    expect((await read(first)).status).toBe(200);
  });
});

describe('re-seeding the local keys (npm start again on the same data with other keys)', () => {
  it('removes the old seeded admin and partner keys', async () => {
    const tableName = `e2e-reseed-${randomUUID()}`;
    const start = (suffix: string) =>
      startLocalStack({
        port: 0,
        dynamoDbEndpoint: inject('dynamoDbEndpoint'),
        tableName,
        adminKey: `rk_admin_${suffix}_${randomUUID()}`,
        partnerKey: `rk_partner_${suffix}_${randomUUID()}`,
        eventPipeline: false,
      });
    const status = (url: string, key: string, path: string) =>
      fetch(url + path, { headers: { Authorization: `Bearer ${key}` } }).then((response) => response.status);

    const before = await start('old');
    const old = { admin: before.adminKey, partner: before.partnerKey };
    expect(await status(before.url, old.admin, '/v1/admin/program')).toBe(200);
    await before.stop();

    const after = await start('new');
    try {
      expect(await status(after.url, after.adminKey, '/v1/admin/program')).toBe(200);
      expect(await status(after.url, after.partnerKey, '/v1/members?externalId=nobody')).toBe(200);
      expect(await status(after.url, old.admin, '/v1/admin/program')).toBe(401);
      expect(await status(after.url, old.partner, '/v1/members?externalId=nobody')).toBe(401);
    } finally {
      await after.stop();
    }
  });
});

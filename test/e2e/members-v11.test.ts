import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 100, referrer: 0, referee: 0, birthday: 0 } });
});
afterAll(async () => api?.stop());

function expectProblem(response: ApiResponse, status: number, slug: string, paths: string[] = []) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.type).toMatch(new RegExp(`/problems/${slug}$`));
  for (const path of paths) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

const enrol = async (profile: Record<string, unknown> = {}) => {
  const response = await api.call('POST', '/v1/members', {
    body: { consent: { marketing: true, analytics: true }, ...profile },
  });
  expect(response.status).toBe(201);
  return response.body.memberId as string;
};
const eur = (value: number) => ({ value, currency: 'EUR' });

describe('GET /v1/members?externalId= | ?email=', () => {
  it('finds by external id and by email in any case', async () => {
    const memberId = await enrol({ externalId: 'e2e-look', email: 'Look@Example.com' });
    const byId = await api.call('GET', '/v1/members?externalId=e2e-look');
    expect(byId.status).toBe(200);
    expect(byId.body.items.map((m: { memberId: string }) => m.memberId)).toEqual([memberId]);
    const byEmail = await api.call('GET', `/v1/members?email=${encodeURIComponent('LOOK@example.COM')}`);
    expect(byEmail.body.items).toHaveLength(1);
    expect((await api.call('GET', '/v1/members?externalId=e2e-nobody')).body).toEqual({ items: [] });
  });

  it('wants exactly one filter (400 with the path)', async () => {
    expectProblem(await api.call('GET', '/v1/members'), 400, 'validation-error', ['query.externalId']);
    expectProblem(await api.call('GET', '/v1/members?externalId=a&email=a%40b.co'), 400, 'validation-error', [
      'query.email',
    ]);
    expectProblem(await api.call('GET', '/v1/members?email=not-an-email'), 400, 'validation-error', ['query.email']);
  });
});

describe('POST /v1/members with a taken external id', () => {
  it('answers 409 external-id-taken carrying the existing memberId', async () => {
    const memberId = await enrol({ externalId: 'e2e-taken' });
    const again = await api.call('POST', '/v1/members', {
      body: { externalId: 'e2e-taken', consent: { marketing: false, analytics: false } },
    });
    expectProblem(again, 409, 'external-id-taken');
    expect(again.body.memberId).toBe(memberId);
  });
});

describe('PATCH /v1/members/{memberId}', () => {
  const patch = (memberId: string, body: unknown, contentType = 'application/merge-patch+json', key?: string) =>
    api.call('PATCH', `/v1/members/${memberId}`, {
      rawBody: JSON.stringify(body),
      headers: { 'Content-Type': contentType, ...(key ? { 'Idempotency-Key': key } : {}) },
    });

  it('merges the patch (merge-patch+json or json), null removing a field', async () => {
    const memberId = await enrol({ name: 'Ada', email: 'ada-patch@example.com' });
    const patched = await patch(memberId, { name: null, birthday: '1990-04-17', consent: { marketing: false } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ birthday: '1990-04-17', consent: { marketing: false, analytics: true } });
    expect(patched.body).not.toHaveProperty('name');
    const json = await patch(memberId, { email: 'ADA2@example.com' }, 'application/json');
    expect(json.body.email).toBe('ADA2@example.com');
    const exported = await api.call('GET', `/v1/members/${memberId}/export`);
    expect(exported.body.consentHistory).toEqual([
      expect.objectContaining({ partnerId: 'local-partner', to: { marketing: false, analytics: true } }),
    ]);
  });

  it('takes an optional Idempotency-Key: a replay answers the first response', async () => {
    const memberId = await enrol({});
    const first = await patch(memberId, { name: 'Once' }, undefined, 'patch-once');
    const replay = await patch(memberId, { name: 'Once' }, undefined, 'patch-once');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('refuses a taken externalId (409 naming the holder), bad fields (400 with paths), unknown members (404)', async () => {
    const holder = await enrol({ externalId: 'e2e-held' });
    const memberId = await enrol({ externalId: 'e2e-mine' });
    const taken = await patch(memberId, { externalId: 'e2e-held' });
    expectProblem(taken, 409, 'external-id-taken');
    expect(taken.body.memberId).toBe(holder);
    expectProblem(await patch(memberId, { email: 'nope', consent: { marketing: 'yes' } }), 400, 'validation-error', [
      'body.email',
      'body.consent.marketing',
    ]);
    expectProblem(await patch(memberId, { consent: null }), 400, 'validation-error', ['body.consent']);
    expectProblem(await patch(memberId, { status: 'erased' }), 400, 'validation-error');
    expectProblem(await patch('mem_unknown', { name: 'x' }), 404, 'member-not-found');
    expectProblem(await patch(memberId, { name: 'x' }, 'text/plain'), 415, 'unsupported-media-type');
    expect((await api.call('GET', '/v1/members?externalId=e2e-mine')).body.items[0].memberId).toBe(memberId);
  });
});

describe('GET /v1/members/{memberId}/transactions/{transactionId}', () => {
  it('answers the entry, 404 for an unknown one', async () => {
    const memberId = await enrol({});
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'e2e-tx', amount: eur(1_500) },
    });
    const one = await api.call('GET', `/v1/members/${memberId}/transactions/${earned.body.transactionId}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(earned.body);
    expectProblem(
      await api.call('GET', `/v1/members/${memberId}/transactions/txn_nothing`),
      404,
      'transaction-not-found',
    );
    expectProblem(await api.call('GET', `/v1/members/${memberId}/transactions/bad%20id`), 400, 'validation-error', [
      'path.transactionId',
    ]);
  });
});

describe('POST /v1/members/{memberId}/adjustments', () => {
  it('posts an adjustment with reason, reference and partner; a debit below zero is 409', async () => {
    const memberId = await enrol({});
    const credit = await api.call('POST', `/v1/members/${memberId}/adjustments`, {
      body: { points: 50, reason: 'goodwill', reference: 'T-9' },
    });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({
      type: 'adjustment',
      points: 50,
      reason: 'goodwill',
      reference: 'T-9',
      partnerId: 'local-partner',
      balance: { points: 150 },
    });
    expectProblem(
      await api.call('POST', `/v1/members/${memberId}/adjustments`, { body: { points: -151, reason: 'x' } }),
      409,
      'insufficient-points',
    );
    expectProblem(
      await api.call('POST', `/v1/members/${memberId}/adjustments`, { body: { cashback: eur(-1), reason: 'x' } }),
      409,
      'insufficient-cashback',
    );
  });

  it('refuses bad bodies with the paths, and keys without points:adjust', async () => {
    const memberId = await enrol({});
    const path = `/v1/members/${memberId}/adjustments`;
    expectProblem(await api.call('POST', path, { body: { reason: 'nothing' } }), 400, 'validation-error', [
      'body.points',
    ]);
    expectProblem(await api.call('POST', path, { body: { points: 0, reason: 'zero' } }), 400, 'validation-error', [
      'body.points',
    ]);
    expectProblem(await api.call('POST', path, { body: { points: 1, reason: '' } }), 400, 'validation-error', [
      'body.reason',
    ]);
    expectProblem(
      await api.call('POST', path, { body: { points: 1, reason: 'r', reference: 'x'.repeat(129) } }),
      400,
      'validation-error',
      ['body.reference'],
    );
    expectProblem(
      await api.call('POST', path, { body: { cashback: { value: 5, currency: 'USD' }, reason: 'r' } }),
      400,
      'currency-mismatch',
    );
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['points:earn'] },
    });
    expectProblem(
      await api.call('POST', path, { key: created.body.apiKey, body: { points: 1, reason: 'r' } }),
      403,
      'forbidden',
    );
    const byAdmin = await api.call('POST', path, { as: 'admin', body: { points: 1, reason: 'admin may' } });
    expect(byAdmin.status).toBe(201);
  });
});

describe('POST /v1/members/{memberId}/earn/preview', () => {
  it('answers what the earn credits, needs no Idempotency-Key, and writes nothing', async () => {
    const memberId = await enrol({});
    const body = { orderId: 'e2e-preview', amount: eur(4_250) };
    const ledger = async () => (await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`)).body;
    const before = await ledger();
    const preview = await api.call('POST', `/v1/members/${memberId}/earn/preview`, { body, idempotencyKey: null });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      points: expect.any(Number),
      cashback: { currency: 'EUR' },
      tier: { id: expect.any(String) },
    });
    expect(await ledger()).toEqual(before);
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, { body });
    expect(earned.body.points).toBe(preview.body.points);
    expect(earned.body.breakdown).toEqual(preview.body.breakdown);
    expectProblem(
      await api.call('POST', `/v1/members/${memberId}/earn/preview`, { body: { orderId: 'x' }, idempotencyKey: null }),
      400,
      'validation-error',
      ['body.amount'],
    );
  });
});

describe('program: ETag, If-Match, versions', () => {
  it('takes back what GET answered; moved-on preconditions are 412 / 409; equal rules save nothing', async () => {
    const got = await api.call('GET', '/v1/admin/program', { as: 'admin' });
    expect(got.headers.get('etag')).toBe(`"${got.body.version}"`);
    const same = await api.call('PUT', '/v1/admin/program', { as: 'admin', body: got.body });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(got.body);
    const changed = { ...got.body, earn: { ...got.body.earn, pointsPerUnit: got.body.earn.pointsPerUnit + 1 } };
    const saved = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: changed,
      headers: { 'If-Match': got.headers.get('etag') ?? '' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(got.body.version + 1);
    expect(saved.headers.get('etag')).toBe(`"${saved.body.version}"`);
    expectProblem(
      await api.call('PUT', '/v1/admin/program', {
        as: 'admin',
        body: got.body,
        headers: { 'If-Match': `"${got.body.version}"` },
      }),
      412,
      'program-precondition-failed',
    );
    expectProblem(await api.call('PUT', '/v1/admin/program', { as: 'admin', body: got.body }), 409, 'program-conflict');
    // RFC 9110: If-Match compares strongly, so a weak tag never matches, even of the version in force.
    const current = await api.call('GET', '/v1/admin/program', { as: 'admin' });
    expectProblem(
      await api.call('PUT', '/v1/admin/program', {
        as: 'admin',
        body: { ...changed, earn: { ...changed.earn, pointsPerUnit: changed.earn.pointsPerUnit + 1 } },
        headers: { 'If-Match': `W/"${current.body.version}"` },
      }),
      412,
      'program-precondition-failed',
    );
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).body).toEqual(current.body);
    expectProblem(
      await api.call('PUT', '/v1/admin/program', { as: 'admin', body: changed, headers: { 'If-Match': 'soon' } }),
      400,
      'validation-error',
      ['headers.If-Match'],
    );
    const old = await api.call('GET', `/v1/admin/program/versions/${got.body.version}`, { as: 'admin' });
    expect(old.body).toEqual(got.body);
    expectProblem(
      await api.call('GET', '/v1/admin/program/versions/999', { as: 'admin' }),
      404,
      'program-version-not-found',
    );
    expectProblem(await api.call('GET', '/v1/admin/program/versions/zero', { as: 'admin' }), 400, 'validation-error', [
      'path.version',
    ]);
  });
});

describe('partners: list, rate limits, key rotation', () => {
  it('lists partners without keys, rotates a key shown once, and throttles each partner on its own (429)', async () => {
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Busy till', scopes: ['members:read'], rateLimit: { perSecond: 1, burst: 2 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.rateLimit).toEqual({ perSecond: 1, burst: 2 });
    const listed = await api.call('GET', '/v1/admin/partners?limit=100', { as: 'admin' });
    expect(listed.body.items).toContainEqual({
      partnerId: created.body.partnerId,
      name: 'Busy till',
      role: 'partner',
      scopes: ['members:read'],
      rateLimit: { perSecond: 1, burst: 2 },
      createdAt: created.body.createdAt,
    });
    expect(JSON.stringify(listed.body)).not.toContain('rk_');

    const rotated = await api.call('POST', `/v1/admin/partners/${created.body.partnerId}/rotate-key`, {
      as: 'admin',
      idempotencyKey: 'rotate-busy',
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).toMatch(/^rk_/);
    const replay = await api.call('POST', `/v1/admin/partners/${created.body.partnerId}/rotate-key`, {
      as: 'admin',
      idempotencyKey: 'rotate-busy',
    });
    expect(replay.body).toEqual({});
    expectProblem(
      await api.call('POST', '/v1/admin/partners/prt_nobody/rotate-key', { as: 'admin' }),
      404,
      'partner-not-found',
    );

    // Burst 2 at 1 per second, shared by both keys of the partner: of four calls at once, two are throttled
    // (at most one more token can have come back if the machine is slow).
    const read = (key: string) => api.call('GET', '/v1/members?externalId=nobody', { key });
    const answers = await Promise.all(
      [created.body.apiKey, rotated.body.apiKey, created.body.apiKey, rotated.body.apiKey].map(read),
    );
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(2);
    for (const answer of throttled) {
      expectProblem(answer, 429, 'throttled');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // The other partners are not held back by this one.
    expect((await api.call('GET', '/v1/members?externalId=nobody')).status).toBe(200);
  });

  it('refuses a bad rateLimit with its path', async () => {
    expectProblem(
      await api.call('POST', '/v1/admin/partners', {
        as: 'admin',
        body: { name: 'x', scopes: ['members:read'], rateLimit: { perSecond: 0, burst: 1 } },
      }),
      400,
      'validation-error',
      ['body.rateLimit.perSecond'],
    );
  });
});

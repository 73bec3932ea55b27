import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';

/** PATCH /v1/admin/partners/{partnerId} over HTTP: the same key, new scopes and limit from its next request. */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

function expectProblem(response: ApiResponse, status: number, slug: string, paths: string[] = []) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.type).toMatch(new RegExp(`/problems/${slug}$`));
  for (const path of paths) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

const patch = (partnerId: string, body: unknown) =>
  api.call('PATCH', `/v1/admin/partners/${partnerId}`, { as: 'admin', body });

describe("a partner's scopes and limit are changed in place", () => {
  it('lets the same key use its new scopes and throttles it at its new limit; the audit log says who changed what', async () => {
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Feed reader', scopes: ['members:read'], rateLimit: { perSecond: 100, burst: 100 } },
    });
    expect(created.status).toBe(201);
    const { partnerId, apiKey } = created.body as { partnerId: string; apiKey: string };
    const readFeed = () => api.call('GET', '/v1/events?limit=1', { key: apiKey });
    expectProblem(await readFeed(), 403, 'forbidden');

    const changed = await patch(partnerId, {
      scopes: ['members:read', 'events:read'],
      rateLimit: { perSecond: 1, burst: 2 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      partnerId,
      name: 'Feed reader',
      role: 'partner',
      scopes: ['members:read', 'events:read'],
      rateLimit: { perSecond: 1, burst: 2 },
      createdAt: created.body.createdAt,
    });
    expect(JSON.stringify(changed.body)).not.toMatch(/rk_|keyHash|usage/);

    // Burst 2 at 1 a second: of four calls at once, at least one is throttled and two answer.
    const answers = await Promise.all([readFeed(), readFeed(), readFeed(), readFeed()]);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(2);
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    for (const answer of throttled) expectProblem(answer, 429, 'throttled');

    const listed = await api.call('GET', '/v1/admin/partners?limit=100', { as: 'admin' });
    expect(listed.body.items).toContainEqual(changed.body);
    const audit = await api.call('GET', '/v1/admin/audit?kind=partner.updated', { as: 'admin' });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: { partnerId: 'local-admin', name: 'Local admin' },
        kind: 'partner.updated',
        target: `partner:${partnerId}`,
        summary:
          `Partner ${partnerId} updated: scopes members:read events:read (were members:read); ` +
          'rate limit 1/s burst 2 (was 100/s burst 100)',
      }),
    ]);
  });

  it('refuses what POST refuses (400 at the field), an unknown partner (404) and an admin key’s scopes (409)', async () => {
    const created = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['points:earn'] },
    });
    const { partnerId } = created.body as { partnerId: string };
    expectProblem(await patch(partnerId, {}), 400, 'validation-error', ['body']);
    expectProblem(await patch(partnerId, { scopes: [] }), 400, 'validation-error', ['body.scopes']);
    expectProblem(await patch(partnerId, { scopes: ['points:earn', 'points:earn'] }), 400, 'validation-error', [
      'body.scopes',
    ]);
    expectProblem(await patch(partnerId, { scopes: ['admin'] }), 400, 'validation-error', ['body.scopes.0']);
    expectProblem(await patch(partnerId, { rateLimit: { perSecond: 0, burst: 1 } }), 400, 'validation-error', [
      'body.rateLimit.perSecond',
    ]);
    expectProblem(await patch(partnerId, { rateLimit: { perSecond: 1, burst: 5001 } }), 400, 'validation-error', [
      'body.rateLimit.burst',
    ]);
    expectProblem(await patch(partnerId, { name: '' }), 400, 'validation-error', ['body.name']);
    expectProblem(await patch(partnerId, { apiKey: 'rk_mine' }), 400, 'validation-error');
    expectProblem(await patch('prt_nobody', { name: 'x' }), 404, 'partner-not-found');
    expectProblem(await patch('local-admin', { scopes: ['members:read'] }), 409, 'admin-key-unscoped');
    // The largest limit the schema takes is taken.
    const largest = await patch(partnerId, { name: 'Till 2', rateLimit: { perSecond: 10_000, burst: 5_000 } });
    expect(largest.body).toMatchObject({ name: 'Till 2', rateLimit: { perSecond: 10_000, burst: 5_000 } });
    // Nothing refused was applied.
    expect(largest.body.scopes).toEqual(['points:earn']);
    // A partner key may not change partners.
    expectProblem(
      await api.call('PATCH', `/v1/admin/partners/${partnerId}`, { body: { name: 'mine' } }),
      403,
      'forbidden',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The members list (`GET /v1/admin/members`, the console's members page): newest enrolment
 * first across days (read from the activity index day by day), paged, filtered by the tier held
 * now and by enrolment time, without erased members, for admin keys only.
 */
let api: TestApi;
beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.stop();
  delete process.env.TEST_CLOCK;
});

type ListPage = { items: { memberId: string; createdAt: string; tier: { id: string } }[]; nextCursor?: string };

const moveClock = async (to: string) => {
  expect((await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to } })).status).toBe(200);
};
const enrol = async (name: string) => {
  const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
    body: { name, consent: { marketing: false, analytics: false } },
  });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
};
const list = async (query: string) => {
  const answer = await api.call<ListPage>('GET', `/v1/admin/members?${query}`, { as: 'admin' });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

describe('the members list', () => {
  const ids: string[] = [];

  it('lists members newest first across days, page by page', async () => {
    await moveClock('2030-03-01T09:00:00.000Z');
    ids.push(await enrol('First'));
    await moveClock('2030-03-03T09:00:00.000Z');
    ids.push(await enrol('Second'));
    ids.push(await enrol('Third'));
    await moveClock('2030-03-10T12:00:00.000Z');
    const first = await list('limit=2');
    expect(first.items.map((m) => m.memberId)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toBeDefined();
    const second = await list(`limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
    expect(second.items.map((m) => m.memberId)).toEqual([ids[0]]);
    // A cursor belongs to its query: used with another filter it is refused.
    const misused = await api.call(
      'GET',
      `/v1/admin/members?tier=gold&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
      {
        as: 'admin',
      },
    );
    expect(misused.status).toBe(400);
  });

  it('filters by enrolment time and by the tier held now', async () => {
    const since = await list('from=2030-03-02T00:00:00.000Z');
    expect(since.items.map((m) => m.memberId)).toEqual([ids[2], ids[1]]);
    const earned = await api.call('POST', `/v1/members/${ids[0]}/earn`, {
      body: { orderId: 'list-gold-1', amount: { value: 300_000, currency: 'EUR' } },
    });
    expect(earned.status).toBe(201);
    const gold = await list('tier=gold&from=2030-01-01T00:00:00.000Z');
    expect(gold.items.map((m) => [m.memberId, m.tier.id])).toEqual([[ids[0], 'gold']]);
    const basic = await list('tier=member&from=2030-01-01T00:00:00.000Z');
    expect(basic.items.map((m) => m.memberId)).toEqual([ids[2], ids[1]]);
  });

  it('reads at most 31 days a request: a sparse range answers short pages with a cursor to go on', async () => {
    await moveClock('2030-06-01T12:00:00.000Z');
    const recent = await list('from=2030-01-01T00:00:00.000Z');
    expect(recent.items).toEqual([]);
    let cursor = recent.nextCursor;
    const found: string[] = [];
    for (let page = 0; cursor && page < 10; page++) {
      const next = await list(`from=2030-01-01T00:00:00.000Z&cursor=${encodeURIComponent(cursor)}`);
      found.push(...next.items.map((m) => m.memberId));
      cursor = next.nextCursor;
    }
    expect(found).toEqual([ids[2], ids[1], ids[0]]);
    expect(cursor).toBeUndefined();
  });

  it('leaves erased members out', async () => {
    const erased = await api.call('DELETE', `/v1/members/${ids[1]}`, { as: 'admin' });
    expect(erased.status).toBe(204);
    const all = await list('from=2030-01-01T00:00:00.000Z&to=2030-03-31T00:00:00.000Z');
    expect(all.items.map((m) => m.memberId)).toEqual([ids[2], ids[0]]);
  });

  it('refuses partner keys (403) and a range that ends before it starts (400 at query.to)', async () => {
    expect((await api.call('GET', '/v1/admin/members')).status).toBe(403);
    const backwards = await api.call(
      'GET',
      '/v1/admin/members?from=2030-03-02T00:00:00.000Z&to=2030-03-01T00:00:00.000Z',
      {
        as: 'admin',
      },
    );
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('query.to');
  });
});

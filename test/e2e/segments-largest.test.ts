import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The largest allowed segments: 100 rules segments a new member enters at once. Each entry is a
 * membership item, a size counter and an event — far more than one DynamoDB transaction holds
 * (100 items). The member's own write never fails for it: it enters what fits, and the time job
 * enters the rest (its next run), each segment once, the sizes exact.
 */
const SEGMENTS = 100;
const start = new Date('2026-04-06T09:00:00.000Z');
const ids = Array.from({ length: SEGMENTS }, (_, index) => `open-${String(index).padStart(3, '0')}`);

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(
    { bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } },
    { testClock: true, testClockStart: start },
  );
  for (const segmentId of ids) {
    const put = await api.call('PUT', `/v1/admin/segments/${segmentId}`, {
      as: 'admin',
      body: { name: segmentId, rules: { all: [{ field: 'consent.marketing', op: 'eq', value: true }] } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(202);
  }
  await api.segments.idle();
}, 240_000);
afterAll(async () => api?.stop());

const segmentsOf = async (memberId: string) =>
  ((await api.call('GET', `/v1/members/${memberId}/segments`)).body as { segmentId: string }[]).map((s) => s.segmentId);

async function entered(memberId: string): Promise<string[]> {
  const found: string[] = [];
  for (let after: string | undefined, page = 0; page < 10; page++) {
    const query = `memberId=${memberId}&types=segment.entered&limit=100${after ? `&after=${after}` : ''}`;
    const answer = await api.call('GET', `/v1/events?${query}`);
    const items = answer.body.items as { data: { segmentId: string } }[];
    if (items.length === 0) break;
    found.push(...items.map((event) => event.data.segmentId));
    after = answer.body.nextCursor as string;
  }
  return found;
}

describe('a member entering 100 segments at once', () => {
  it('is enrolled and earns; enters what fits now and the rest by the time job, each once', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: true, analytics: false } },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const memberId = enrolled.body.memberId as string;
    const now = await segmentsOf(memberId);
    expect(now.length).toBeGreaterThan(0);
    expect(now.length).toBeLessThan(SEGMENTS);
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-1', amount: { value: 1_000, currency: 'EUR' } },
    });
    expect(earned.status, JSON.stringify(earned.body)).toBe(201);

    await api.call('POST', '/v1/admin/test-clock', {
      as: 'admin',
      body: { now: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    const job = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
    expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);

    expect(await segmentsOf(memberId)).toEqual(ids);
    expect((await entered(memberId)).sort()).toEqual(ids);
    for (const segmentId of [ids[0], ids[50], ids[99]]) {
      const segment = await api.call('GET', `/v1/admin/segments/${segmentId}`, { as: 'admin' });
      expect(segment.body.size, segmentId).toBe(1);
    }
  }, 120_000);
});

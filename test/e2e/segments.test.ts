import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '@shared/http/openapi';
import { startTestApi, type TestApi } from '../support/api';
import { OpenApiValidator } from '../support/openapi-validator';

/**
 * Segments over HTTP with the local test clock: rules segments evaluated in the background when
 * created, memberships following each write and, by the hourly job, time; list segments by the
 * route; the events in order with the member's others; and the refusals.
 */
const validator = new OpenApiValidator(openApiDocument());
let api: TestApi;
const START = new Date('2026-05-01T09:00:00.000Z');
const DAY = 86_400_000;
beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  api = await startTestApi({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } }, { testClockStart: START });
}, 60_000);
afterAll(async () => {
  await api?.stop();
  delete process.env.TEST_CLOCK;
});

const eur = (value: number) => ({ value, currency: 'EUR' });
const moveClock = (to: Date) =>
  api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to.toISOString() } });

async function enrol(marketing = true): Promise<string> {
  const created = await api.call('POST', '/v1/members', { body: { consent: { marketing, analytics: false } } });
  expect(created.status).toBe(201);
  return created.body.memberId as string;
}

async function segmentsOf(memberId: string): Promise<{ segmentId: string; since: string }[]> {
  const answer = await api.call('GET', `/v1/members/${memberId}/segments`);
  expect(answer.status).toBe(200);
  return answer.body;
}

async function segment(segmentId: string) {
  const answer = await api.call('GET', `/v1/admin/segments/${segmentId}`, { as: 'admin' });
  expect(answer.status).toBe(200);
  return answer.body;
}

async function segmentEvents(memberId: string) {
  const page = await api.call('GET', `/v1/events?memberId=${memberId}&limit=100`);
  expect(page.status).toBe(200);
  expect(page.body.items.flatMap((event: unknown) => validator.checkEvent(event))).toEqual([]);
  return (page.body.items as { type: string; sequence: number; data: { segmentId?: string } }[]).map((event) => ({
    type: event.type,
    sequence: event.sequence,
    segmentId: event.data.segmentId,
  }));
}

describe('rules segments', () => {
  it('evaluates every member in the background when created, then follows writes and time', async () => {
    const lapsing = await enrol();
    const noConsent = await enrol(false);
    for (const [memberId, orderId] of [
      [lapsing, 'o-1'],
      [noConsent, 'o-2'],
    ] as const)
      expect(
        (await api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId, amount: eur(2_000) } })).status,
      ).toBe(201);
    await moveClock(new Date(START.getTime() + 100 * DAY));
    const put = await api.call('PUT', '/v1/admin/segments/winback', {
      as: 'admin',
      body: {
        name: 'Win-back',
        rules: {
          all: [
            { field: 'purchases.lastAt', op: 'olderThan', value: 'P90D' },
            { field: 'consent.marketing', op: 'eq', value: true },
          ],
        },
      },
    });
    expect(put.status).toBe(202);
    expect(
      validator.check('PUT', '/v1/admin/segments/{segmentId}', {
        status: put.status,
        headers: put.headers,
        text: JSON.stringify(put.body),
      }),
    ).toEqual([]);
    expect(put.body).toMatchObject({ segmentId: 'winback', size: 0, evaluation: { status: 'pending', evaluated: 0 } });
    await api.segments.idle();
    const evaluated = await segment('winback');
    expect(evaluated).toMatchObject({ size: 1, evaluation: { status: 'done' } });
    expect(evaluated.evaluation.evaluated).toBeGreaterThanOrEqual(2);
    expect(await segmentsOf(lapsing)).toEqual([{ segmentId: 'winback', since: expect.any(String) }]);
    expect(await segmentsOf(noConsent)).toEqual([]);

    // A purchase takes the member out in its own write; 90 days later the hourly job puts it back.
    const back = new Date(START.getTime() + 101 * DAY);
    await moveClock(back);
    await api.call('POST', `/v1/members/${lapsing}/earn`, { body: { orderId: 'o-3', amount: eur(1_000) } });
    expect(await segmentsOf(lapsing)).toEqual([]);
    expect((await segment('winback')).size).toBe(0);
    await moveClock(new Date(back.getTime() + 90 * DAY + 3_600_000));
    expect((await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' })).status).toBeLessThan(300);
    expect(await segmentsOf(lapsing)).toEqual([{ segmentId: 'winback', since: expect.any(String) }]);
    expect((await segment('winback')).size).toBe(1);

    const events = (await segmentEvents(lapsing)).filter((event) => event.type.startsWith('segment.'));
    expect(events.map(({ type, segmentId }) => `${type} ${segmentId}`)).toEqual([
      'segment.entered winback',
      'segment.left winback',
      'segment.entered winback',
    ]);
    const members = await api.call('GET', '/v1/admin/segments/winback/members', { as: 'admin' });
    expect(members.body.items).toEqual([{ memberId: lapsing, since: expect.any(String) }]);
  });
});

describe('list segments', () => {
  it('adds and removes one member at a time, idempotently', async () => {
    const memberId = await enrol();
    expect(
      (await api.call('PUT', '/v1/admin/segments/vip', { as: 'admin', body: { name: 'VIP', list: true } })).status,
    ).toBe(201);
    const add = await api.call('POST', '/v1/admin/segments/vip/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
      idempotencyKey: 'vip-add-1',
    });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ segmentId: 'vip', memberId, member: true });
    const replay = await api.call('POST', '/v1/admin/segments/vip/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
      idempotencyKey: 'vip-add-1',
    });
    expect(replay.body).toEqual(add.body);
    const again = await api.call('POST', '/v1/admin/segments/vip/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
    });
    expect(again.body).toEqual(add.body);
    expect((await segment('vip')).size).toBe(1);
    const removed = await api.call('POST', '/v1/admin/segments/vip/members', {
      as: 'admin',
      body: { memberId, action: 'remove' },
    });
    expect(removed.body).toEqual({ segmentId: 'vip', memberId, member: false });
    expect((await segment('vip')).size).toBe(0);
    const events = (await segmentEvents(memberId)).filter((event) => event.type.startsWith('segment.'));
    expect(events.map(({ type }) => type)).toEqual(['segment.entered', 'segment.left']);
  });
});

describe('list segments by bulk import', () => {
  const ndjson = (lines: unknown[]) => ({
    rawBody: lines.map((line) => JSON.stringify(line)).join('\n'),
    as: 'admin' as const,
    headers: { 'Content-Type': 'application/x-ndjson' },
  });
  async function runImport(lines: unknown[]) {
    const created = await api.call('POST', '/v1/admin/imports', ndjson(lines));
    expect(created.status).toBe(202);
    await api.imports.idle();
    const importId = created.body.importId as string;
    const progress = await api.call('GET', `/v1/admin/imports/${importId}`, { as: 'admin' });
    const errors = await api.call('GET', `/v1/admin/imports/${importId}/errors`, { as: 'admin' });
    return { progress: progress.body, errors: errors.body.items as { line: number; problem: { type: string } }[] };
  }

  it('adds members by segment lines after the member lines, once however often the file runs; refuses a rules segment', async () => {
    await api.call('PUT', '/v1/admin/segments/imported', { as: 'admin', body: { name: 'Imported', list: true } });
    await api.call('PUT', '/v1/admin/segments/by-rules', {
      as: 'admin',
      body: { name: 'By rules', rules: { all: [{ field: 'purchases.count', op: 'gte', value: 100 }] } },
    });
    const lines = [
      { kind: 'segment', segmentId: 'imported', externalId: 'imp-1', action: 'add' },
      { kind: 'member', externalId: 'imp-1', consent: { marketing: true, analytics: false } },
      { kind: 'member', externalId: 'imp-2', consent: { marketing: true, analytics: false } },
      { kind: 'segment', segmentId: 'imported', externalId: 'imp-2', action: 'add' },
      { kind: 'segment', segmentId: 'by-rules', externalId: 'imp-2', action: 'add' },
      { kind: 'segment', segmentId: 'nowhere', externalId: 'imp-2', action: 'add' },
    ];
    const first = await runImport(lines);
    expect(first.progress).toMatchObject({ status: 'done', lines: 6, succeeded: 4, failed: 2 });
    expect(first.errors.map((error) => [error.line, error.problem.type.split('/').at(-1)])).toEqual([
      [5, 'segment-not-a-list'],
      [6, 'segment-not-found'],
    ]);
    expect((await segment('imported')).size).toBe(2);
    const again = await runImport(lines);
    expect(again.progress).toMatchObject({ status: 'done', succeeded: 4, failed: 2 });
    expect((await segment('imported')).size).toBe(2);
    const removed = await runImport([
      { kind: 'segment', segmentId: 'imported', externalId: 'imp-1', action: 'remove' },
    ]);
    expect(removed.progress).toMatchObject({ status: 'done', succeeded: 1 });
    const members = await api.call('GET', '/v1/admin/segments/imported/members', { as: 'admin' });
    expect(members.body.items).toHaveLength(1);
    const memberId = members.body.items[0].memberId as string;
    const events = (await segmentEvents(memberId)).filter((event) => event.type.startsWith('segment.'));
    expect(events.map(({ type, segmentId }) => `${type} ${segmentId}`)).toEqual(['segment.entered imported']);
  });
});

describe('refusals', () => {
  it('refuses bad rules with their paths, a list change of a rules segment, and an unknown segment', async () => {
    const bad = await api.call('PUT', '/v1/admin/segments/bad', {
      as: 'admin',
      body: { name: 'Bad', rules: { all: [{ field: 'tier', op: 'gte', value: ['gold'] }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.rules.all.0.op');
    const tier = await api.call('PUT', '/v1/admin/segments/bad', {
      as: 'admin',
      body: { name: 'Bad', rules: { any: [{ field: 'tier', op: 'in', value: ['platinum'] }] } },
    });
    expect(tier.status).toBe(400);
    expect(tier.body.errors).toEqual([{ path: 'body.rules.any.0.value.0', message: 'unknown tier "platinum"' }]);
    expect((await api.call('GET', '/v1/admin/segments/bad', { as: 'admin' })).status).toBe(404);
    const memberId = await enrol();
    await api.call('PUT', '/v1/admin/segments/rich', {
      as: 'admin',
      body: { name: 'Rich', rules: { all: [{ field: 'points.balance', op: 'gte', value: 1_000_000 }] } },
    });
    const listLine = await api.call('POST', '/v1/admin/segments/rich/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
    });
    expect(listLine.status).toBe(400);
    expect(listLine.body.type).toMatch(/segment-not-a-list$/);
    const unknown = await api.call('POST', '/v1/admin/segments/nope/members', {
      as: 'admin',
      body: { memberId, action: 'add' },
    });
    expect(unknown.status).toBe(404);
    expect((await api.call('GET', `/v1/members/${memberId}/segments`, { as: 'none' })).status).toBe(401);
  });
});

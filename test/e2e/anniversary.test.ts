import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The anniversary bonus, a time rule of its own (shared/domain/anniversary.ts), end to end by the
 * test clock (TEST_CLOCK=1): paid on the day of each enrolment anniversary in the program's time
 * zone, once a year, 29 February on 28 February in other years, nothing for an erased member.
 */
let api: TestApi;
let rules: Record<string, unknown>;
beforeAll(async () => {
  process.env.TEST_CLOCK = '1';
  api = await startTestApi();
  const {
    version: _v,
    updatedAt: _u,
    ...current
  } = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body as Record<string, unknown>;
  rules = current;
}, 60_000);
afterAll(async () => {
  await api?.stop();
  delete process.env.TEST_CLOCK;
});

const moveClock = async (to: string) => {
  const moved = await api.call('POST', '/v1/admin/test-clock', { as: 'admin', body: { now: to } });
  expect(moved.status).toBe(200);
};
const runJob = async () => {
  const run = await api.call('POST', '/v1/admin/jobs/time-changes/run', { as: 'admin' });
  expect(run.status).toBe(200);
};
const anniversaryEntries = async (memberId: string) => {
  const page = await api.call('GET', `/v1/members/${memberId}/transactions?limit=100`);
  expect(page.status).toBe(200);
  return (page.body.items as { type: string; points: number; breakdown?: { rule: string }[] }[]).filter((entry) =>
    entry.breakdown?.some((line) => line.rule === 'anniversary'),
  );
};
const enrol = async () => {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId as string;
};

describe('the anniversary bonus', () => {
  it('refuses an unknown time zone with 400 at timezone', async () => {
    const refused = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...rules, timezone: 'Mars/Olympus_Mons' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('timezone');
  });

  it('pays on the local day of each anniversary, once a year, 29 February on 28 February', async () => {
    await moveClock('2028-02-29T10:00:00.000Z');
    const saved = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...rules, timezone: 'Europe/Paris', bonuses: { ...(rules.bonuses as object), anniversary: 250 } },
    });
    expect(saved.status).toBe(200);
    const memberId = await enrol();
    const erased = await enrol();
    expect((await api.call('DELETE', `/v1/members/${erased}`, { as: 'admin' })).status).toBe(204);

    // 27 February, 23:30 in Paris: not the day yet.
    await moveClock('2029-02-27T22:30:00.000Z');
    await runJob();
    expect(await anniversaryEntries(memberId)).toEqual([]);

    // 28 February, 00:30 in Paris (still the 27th in UTC): the first anniversary of a 29 February.
    await moveClock('2029-02-27T23:30:00.000Z');
    await runJob();
    const first = await anniversaryEntries(memberId);
    expect(first).toMatchObject([{ type: 'bonus', points: 250 }]);
    const events = await api.call('GET', `/v1/events?memberId=${memberId}&types=points.earned&limit=100`);
    expect(
      (events.body.items as { data: { breakdown?: { rule: string }[] } }[]).filter((event) =>
        event.data.breakdown?.some((line) => line.rule === 'anniversary'),
      ),
    ).toHaveLength(1);

    // Once a year: again the same day, and on 1 March, nothing more.
    await runJob();
    await moveClock('2029-03-01T12:00:00.000Z');
    await runJob();
    expect(await anniversaryEntries(memberId)).toHaveLength(1);

    // The next year, on 28 February again.
    await moveClock('2030-02-28T09:00:00.000Z');
    await runJob();
    expect(await anniversaryEntries(memberId)).toHaveLength(2);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBeGreaterThanOrEqual(500);

    // Erased: nothing, ever (its feed has no points.earned).
    const erasedEvents = await api.call('GET', `/v1/events?memberId=${erased}&types=points.earned&limit=100`);
    expect(erasedEvents.status).toBe(200);
    expect(erasedEvents.body.items).toEqual([]);
    await api.call('PUT', '/v1/admin/program', { as: 'admin', body: rules });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '@infra/local/demo';
import { startTestApi, type TestApi } from '../support/api';

/**
 * `npm run demo`, small (50 members, 10 days), against the local server with its test clock
 * started 11 days back: one snapshot per simulated day, the members all there, and every
 * ledger adding up to its balance.
 */
const DAY = 86_400_000;
const MEMBERS = 50;
const DAYS = 10;

let api: TestApi;
let demo: DemoResult;

beforeAll(async () => {
  const start = new Date(Date.now() - (DAYS + 1) * DAY);
  process.env.METRICS_EPOCH = new Date(start.getTime() - 3_600_000).toISOString();
  api = await startTestApi({}, { testClock: true, testClockStart: start });
  demo = await runDemo({ url: api.url, adminKey: api.adminKey, members: MEMBERS, days: DAYS, seed: 7, concurrency: 6 });
}, 240_000);

afterAll(async () => {
  await api?.stop();
  delete process.env.METRICS_EPOCH;
});

interface Snapshot {
  snapshotId: string;
  computedAt: string;
  members: { total: number; active: number };
  nps: number | null;
  pointsOutstanding: number;
}

describe('npm run demo', () => {
  it('takes one snapshot at the end of each simulated day, members growing to the number asked', async () => {
    expect(demo.snapshots).toHaveLength(DAYS);
    const listed = await api.call<{ items: Snapshot[] }>('GET', '/v1/admin/metrics/snapshots?limit=100', {
      as: 'admin',
    });
    const snapshots = [...listed.body.items].reverse();
    expect(snapshots.map((s) => s.snapshotId)).toEqual(demo.snapshots);
    const days = snapshots.map((s) => s.computedAt.slice(0, 10));
    const expected = Array.from({ length: DAYS }, (_, i) =>
      new Date(Date.parse(demo.from) + i * DAY).toISOString().slice(0, 10),
    );
    expect(days).toEqual(expected);
    // Each at 23:00 of its day, by the test clock.
    for (const snapshot of snapshots) expect(snapshot.computedAt.slice(11, 13)).toBe('23');
    const totals = snapshots.map((s) => s.members.total);
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1] ?? 0);
    expect(totals.at(-1)).toBe(MEMBERS);
    expect(snapshots.at(-1)?.members.active).toBeGreaterThan(0);
    // NPS answers are random (8% of visits, ~2 in this small run, none in about one run of ten):
    // a snapshot has an NPS exactly when some member answered.
    expect(snapshots.some((s) => s.nps !== null)).toBe((demo.counts['NPS answers'] ?? 0) > 0);
    expect(demo.members).toHaveLength(MEMBERS);
  });

  it('wrote purchases of members and non-members, and the rest of a program’s life', () => {
    for (const kind of ['enrolments', 'points purchases', 'non-member purchases'])
      expect(demo.counts[kind], kind).toBeGreaterThan(0);
    // Redemptions, refunds and NPS answers are a few percent of visits each: in 10 days of 50 members, some of them.
    const others = ['points redemptions', 'reward redemptions', 'refunds', 'NPS answers'];
    expect(others.reduce((sum, kind) => sum + (demo.counts[kind] ?? 0), 0)).toBeGreaterThan(0);
  });

  it('leaves every ledger adding up to its balance, entries dated within the simulated days', async () => {
    const from = Date.parse(demo.from);
    for (const memberId of demo.members.slice(0, 15)) {
      const member = await api.call<{ points: { balance: number }; createdAt: string }>(
        'GET',
        `/v1/members/${memberId}`,
      );
      expect(member.status).toBe(200);
      const created = Date.parse(member.body.createdAt);
      expect(created).toBeGreaterThanOrEqual(from);
      expect(created).toBeLessThan(from + DAYS * DAY);
      const entries: { points: number; createdAt: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.call<{ items: { points: number; createdAt: string }[]; nextCursor?: string }>(
          'GET',
          `/v1/members/${memberId}/transactions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        entries.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(entries.reduce((sum, entry) => sum + entry.points, 0)).toBe(member.body.points.balance);
      for (const entry of entries) expect(Date.parse(entry.createdAt)).toBeLessThan(from + DAYS * DAY);
    }
  });

  it('brings the clock back to the present at the end', async () => {
    const moved = await api.call<{ now: string }>('POST', '/v1/admin/test-clock', {
      as: 'admin',
      body: { now: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(moved.status).toBe(200);
    expect(Math.abs(Date.parse(moved.body.now) - Date.now())).toBeLessThan(120_000);
  });

  it('says how to restart the server when its clock is already past the history to write', async () => {
    await expect(
      runDemo({ url: api.url, adminKey: api.adminKey, members: 2, days: 2, seed: 1, concurrency: 1 }),
    ).rejects.toThrow(/already past .*TEST_CLOCK=1 TEST_CLOCK_START=-3d npm start/);
    await expect(
      runDemo({ url: api.url, adminKey: 'rk_admin_wrong', members: 2, days: 2, seed: 1, concurrency: 1 }),
    ).rejects.toThrow(/admin key was refused/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/** The daily budget of points a partner may credit by adjustment, over HTTP. */
const problems = 'https://rewards-api.dev/problems/';
const BUDGET = 1_000;
const consent = { marketing: false, analytics: false };

let api: TestApi;
const saved = process.env.ADJUSTMENT_DAILY_POINTS_CAP;

beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } });
  // Read per request, as the functions read their environment.
  process.env.ADJUSTMENT_DAILY_POINTS_CAP = String(BUDGET);
});
afterAll(async () => {
  if (saved === undefined) delete process.env.ADJUSTMENT_DAILY_POINTS_CAP;
  else process.env.ADJUSTMENT_DAILY_POINTS_CAP = saved;
  await api?.stop();
});

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId as string;
}

const adjust = (memberId: string, points: number, key?: string) =>
  api.call('POST', `/v1/members/${memberId}/adjustments`, {
    body: { points, reason: 'goodwill' },
    ...(key ? { key } : {}),
  });

async function newSupportKey(): Promise<string> {
  const created = await api.call('POST', '/v1/admin/partners', {
    as: 'admin',
    body: { name: 'Support desk', scopes: ['points:adjust', 'members:read'] },
  });
  expect(created.status).toBe(201);
  return created.body.apiKey as string;
}

describe('the daily adjustment budget per partner', () => {
  it('credits up to the budget, then refuses with 409 and changes nothing; debits do not count', async () => {
    const key = await newSupportKey();
    const memberId = await enrol();
    expect((await adjust(memberId, 600, key)).status).toBe(201);
    const over = await adjust(memberId, 500, key);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      type: `${problems}adjustment-budget-exceeded`,
      errors: [{ path: 'body.points', message: 'must be at most 400 today' }],
    });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(600);
    expect((await adjust(memberId, -100, key)).status).toBe(201);
    expect((await adjust(memberId, 400, key)).status).toBe(201);
    expect((await adjust(memberId, 1, key)).status).toBe(409);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(900);

    // Another partner has its own budget.
    expect((await adjust(memberId, 500)).status).toBe(201);
  });

  it('refuses one credit larger than the whole budget', async () => {
    const key = await newSupportKey();
    const response = await adjust(await enrol(), BUDGET + 1, key);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ type: `${problems}adjustment-budget-exceeded` });
  });

  it('cannot be overspent by concurrent credits', async () => {
    const key = await newSupportKey();
    const members = await Promise.all(Array.from({ length: 10 }, () => enrol()));
    const answers = await Promise.all(members.map((memberId) => adjust(memberId, 150, key)));
    const statuses = answers.map((answer) => answer.status);
    const credited = statuses.filter((status) => status === 201).length;
    // 6 × 150 fit in 1,000; a 7th never does, however the credits interleave.
    expect(credited).toBeLessThanOrEqual(6);
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThanOrEqual(4);
    for (const status of statuses) expect([201, 409, 503]).toContain(status);
    const balances = await Promise.all(
      members.map(async (memberId) => (await api.call('GET', `/v1/members/${memberId}`)).body.points.balance as number),
    );
    expect(balances.reduce((sum, balance) => sum + balance, 0)).toBe(credited * 150);
    // Whatever a busy answer left unspent is still there: the budget is exactly what was credited.
    const rest = BUDGET - credited * 150;
    const last = await enrol();
    expect((await adjust(last, rest, key)).status).toBe(201);
    expect((await adjust(last, 1, key)).status).toBe(409);
  });
});

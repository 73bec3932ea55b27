import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eur } from '../support/money';
import { defaultProgram } from '@infra/config/default-program';
import { addMonths } from '@shared/domain/expiry';
import type { ProgramRules } from '@shared/schemas/program';
import { startTestApi, type TestApi } from '../support/api';

const DAY = 86_400_000;
const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

/** Puts a program made of the default one with some rules changed. */
async function useProgram(overrides: Partial<ProgramRules>) {
  const response = await api.call('PUT', '/v1/admin/program', {
    as: 'admin',
    body: { ...structuredClone(defaultProgram), ...overrides },
  });
  expect(response.status).toBe(200);
  return response.body;
}

async function enrol(body: Record<string, unknown> = {}): Promise<{ memberId: string; referralCode: string }> {
  const enrolled = await api.call('POST', '/v1/members', {
    body: { consent: { marketing: false, analytics: false }, ...body },
  });
  expect(enrolled.status).toBe(201);
  return enrolled.body;
}

async function earn(memberId: string, orderId: string, value: number, occurredAt?: string) {
  const response = await api.call('POST', `/v1/members/${memberId}/earn`, {
    body: { orderId, amount: eur(value), ...(occurredAt ? { occurredAt } : {}) },
  });
  expect(response.status).toBe(201);
  // Whatever rules applied, the breakdown explains the total exactly.
  expect(response.body.breakdown.reduce((sum: number, line: { points: number }) => sum + line.points, 0)).toBe(
    response.body.points,
  );
  return response.body;
}

const noBonuses = { signup: 0, referrer: 0, referee: 0, birthday: 0 };

describe('bonuses at enrolment', () => {
  beforeAll(async () => {
    await useProgram({ bonuses: { signup: 100, referrer: 250, referee: 50, birthday: 0 } });
  });

  it('gives the sign-up bonus as a bonus entry', async () => {
    const { memberId } = await enrol();
    const ledger = (await api.call('GET', `/v1/members/${memberId}/transactions`)).body.items;
    expect(ledger).toEqual([
      expect.objectContaining({ type: 'bonus', points: 100, breakdown: [{ rule: 'signup', points: 100 }] }),
    ]);
  });

  it('gives the referrer and the referee their bonuses in the same write', async () => {
    const referrer = await enrol();
    const friend = await enrol({ referralCode: referrer.referralCode });
    expect(friend).toMatchObject({ points: { balance: 150 } });
    const referrerView = (await api.call('GET', `/v1/members/${referrer.memberId}`)).body;
    expect(referrerView.points.balance).toBe(350);
    const referrerEntry = (await api.call('GET', `/v1/members/${referrer.memberId}/transactions`)).body.items[0];
    const friendEntries = (await api.call('GET', `/v1/members/${friend.memberId}/transactions`)).body.items;
    expect(referrerEntry).toMatchObject({ type: 'bonus', points: 250, breakdown: [{ rule: 'referrer', points: 250 }] });
    expect(friendEntries.map((e: { breakdown: unknown[] }) => e.breakdown).flat()).toEqual(
      expect.arrayContaining([
        { rule: 'signup', points: 100 },
        { rule: 'referee', points: 50 },
      ]),
    );
    // One transaction: the same commit time on both sides.
    expect(friendEntries.every((e: { createdAt: string }) => e.createdAt === referrerEntry.createdAt)).toBe(true);
  });

  it('refuses an unknown referral code with 400, enrolling nobody', async () => {
    const response = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false }, referralCode: 'NOSUCH99', externalId: 'shop-42' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: `${problems}unknown-referral-code`,
      errors: [{ path: 'body.referralCode', message: 'is not a known referral code' }],
    });
    // The external id was not claimed: the same customer can enrol without the code.
    expect(
      (
        await api.call('POST', '/v1/members', {
          body: { consent: { marketing: false, analytics: false }, externalId: 'shop-42' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('tiers on real purchases', () => {
  beforeAll(async () => {
    await useProgram({ bonuses: noBonuses, promotions: [] });
  });

  it('earns the crossing purchase at the old tier, then shows and applies the new one', async () => {
    const { memberId } = await enrol();
    const crossing = await earn(memberId, 'o-1', 60_000);
    expect(crossing.breakdown).toEqual([{ rule: 'base', points: 600 }]);
    const view = (await api.call('GET', `/v1/members/${memberId}`)).body;
    expect(view.tier).toEqual({
      id: 'silver',
      name: 'Silver',
      discountRate: 500,
      qualifyingSpend: eur(60_000),
      nextTier: { id: 'gold', name: 'Gold', remainingSpend: eur(140_000) },
    });
    const next = await earn(memberId, 'o-2', 10_000);
    expect(next.breakdown).toEqual([
      { rule: 'base', points: 100 },
      { rule: 'tier:silver', points: 25 },
    ]);
  });

  it('takes a refunded purchase out of the qualifying spend', async () => {
    const { memberId } = await enrol();
    await earn(memberId, 'o-1', 60_000);
    const refund = await api.call('POST', `/v1/members/${memberId}/refunds`, {
      body: { orderId: 'o-1', amount: eur(20_000) },
    });
    expect(refund.status).toBe(201);
    const view = (await api.call('GET', `/v1/members/${memberId}`)).body;
    expect(view.tier).toMatchObject({
      id: 'member',
      qualifyingSpend: eur(40_000),
      nextTier: { id: 'silver', name: 'Silver', remainingSpend: eur(10_000) },
    });
  });
});

describe('promotions', () => {
  it('gives a purchase reported late the promotion that was running when it happened', async () => {
    const now = Date.now();
    await useProgram({
      bonuses: noBonuses,
      promotions: [
        {
          id: 'last-week',
          name: 'Double points week',
          startsAt: new Date(now - 10 * DAY).toISOString(),
          endsAt: new Date(now - 3 * DAY).toISOString(),
          pointsMultiplier: 2,
        },
        {
          id: 'weekend',
          name: 'Weekend bonus',
          startsAt: new Date(now - 8 * DAY).toISOString(),
          endsAt: new Date(now - 6 * DAY).toISOString(),
          bonusPoints: 30,
        },
      ],
    });
    const { memberId } = await enrol();
    const late = await earn(memberId, 'till-9:1', 2_000, new Date(now - 7 * DAY).toISOString());
    expect(late.breakdown).toEqual([
      { rule: 'base', points: 20 },
      { rule: 'promotion:last-week', points: 20 },
      { rule: 'promotion:weekend', points: 30 },
    ]);
    expect(late.points).toBe(70);
    const today = await earn(memberId, 'till-9:2', 2_000);
    expect(today.breakdown).toEqual([{ rule: 'base', points: 20 }]);
  });
});

describe('purchase bonuses', () => {
  it('adds the spend threshold bonus to a purchase of at least its amount', async () => {
    await useProgram({
      bonuses: { ...noBonuses, spendThreshold: { amount: eur(10_000), points: 50 } },
      promotions: [],
    });
    const { memberId } = await enrol();
    expect((await earn(memberId, 'o-1', 10_000)).breakdown).toEqual([
      { rule: 'base', points: 100 },
      { rule: 'spend-threshold', points: 50 },
    ]);
    expect((await earn(memberId, 'o-2', 9_999)).breakdown).toEqual([{ rule: 'base', points: 99 }]);
  });

  it('gives the birthday bonus on the first purchase of the birthday week only', async () => {
    await useProgram({ bonuses: { ...noBonuses, birthday: 200 }, promotions: [] });
    // Born in a leap year on today's date, so that the test holds on any day (29 February included).
    const birthday = `2000-${new Date().toISOString().slice(5, 10)}`;
    const { memberId } = await enrol({ birthday });
    expect((await earn(memberId, 'o-1', 1_000)).breakdown).toEqual([
      { rule: 'base', points: 10 },
      { rule: 'birthday', points: 200 },
    ]);
    expect((await earn(memberId, 'o-2', 1_000)).breakdown).toEqual([{ rule: 'base', points: 10 }]);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points.balance).toBe(220);
  });
});

describe('expiry in the member view', () => {
  it('shows when the points expire: the program months after the last purchase', async () => {
    await useProgram({ bonuses: noBonuses, promotions: [], expiry: { inactivityMonths: 6 } });
    const { memberId } = await enrol();
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.points).not.toHaveProperty('expiresAt');
    const earned = await earn(memberId, 'o-1', 1_000);
    const points = (await api.call('GET', `/v1/members/${memberId}`)).body.points;
    expect(points.expiresAt).toBe(addMonths(earned.occurredAt, 6).toISOString());
  });
});

describe('changing the program', () => {
  it('refuses an inconsistent program with 400 and every error at its path, changing nothing', async () => {
    const before = (await api.call('GET', '/v1/admin/program', { as: 'admin' })).body;
    const tiers = structuredClone(defaultProgram.tiers);
    tiers[1] = { ...tiers[1], id: 'member' } as (typeof tiers)[number];
    tiers[2] = { ...tiers[2], minQualifyingSpend: eur(40_000) } as (typeof tiers)[number];
    const response = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: {
        ...structuredClone(defaultProgram),
        tiers,
        promotions: [
          {
            id: 'p',
            name: 'Backwards',
            startsAt: '2026-06-08T00:00:00.000Z',
            endsAt: '2026-06-01T00:00:00.000Z',
            bonusPoints: 5,
          },
        ],
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe(`${problems}validation-error`);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.tiers.1.id', message: 'duplicate tier id "member"' },
        expect.objectContaining({ path: 'body.tiers.2.minQualifyingSpend.value' }),
        { path: 'body.promotions.0.endsAt', message: 'must be after startsAt' },
      ]),
    );
    expect((await api.call('GET', '/v1/admin/program', { as: 'admin' })).body.version).toBe(before.version);
  });

  it('refuses negative rates with 400', async () => {
    const tiers = structuredClone(defaultProgram.tiers);
    tiers[0] = { ...tiers[0], cashbackRate: -100 } as (typeof tiers)[number];
    const response = await api.call('PUT', '/v1/admin/program', {
      as: 'admin',
      body: { ...structuredClone(defaultProgram), tiers },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ path: 'body.tiers.0.cashbackRate' }));
  });
});

import { describe, expect, it } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import { ProgramRules } from '@shared/schemas/program';

type Draft = Record<string, unknown> & { tiers: Record<string, unknown>[] };
const draft = (): Draft => structuredClone(defaultProgram);

function issues(program: unknown): { path: string; message: string }[] {
  const result = ProgramRules.safeParse(program);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

const promotion = {
  id: 'p1',
  name: 'Double days',
  startsAt: '2026-06-01T00:00:00.000Z',
  endsAt: '2026-06-08T00:00:00.000Z',
  pointsMultiplier: 2,
};

describe('program validation', () => {
  it('accepts the default program', () => {
    expect(issues(defaultProgram)).toEqual([]);
  });

  it('refuses a duplicate tier id', () => {
    const program = draft();
    program.tiers[2] = { ...program.tiers[2], id: 'silver' };
    expect(issues(program)).toContainEqual({ path: 'tiers.2.id', message: 'duplicate tier id "silver"' });
  });

  it('refuses thresholds that do not rise', () => {
    const program = draft();
    program.tiers[2] = { ...program.tiers[2], minQualifyingSpend: { value: 50_000, currency: 'EUR' } };
    expect(issues(program)).toContainEqual(expect.objectContaining({ path: 'tiers.2.minQualifyingSpend.value' }));
  });

  it('refuses a first tier that does not start at zero', () => {
    const program = draft();
    program.tiers[0] = { ...program.tiers[0], minQualifyingSpend: { value: 1, currency: 'EUR' } };
    expect(issues(program)).toContainEqual({
      path: 'tiers.0.minQualifyingSpend.value',
      message: 'the first tier must start at 0',
    });
  });

  it('refuses a higher tier with a lower points multiplier', () => {
    const program = draft();
    program.tiers[2] = { ...program.tiers[2], pointsMultiplier: 1.1 };
    expect(issues(program)).toContainEqual({
      path: 'tiers.2.pointsMultiplier',
      message: "must not be below the previous tier's (1.25)",
    });
  });

  it('refuses negative rates and multipliers below 1 or with more than two decimals', () => {
    const program = draft();
    program.tiers[0] = { ...program.tiers[0], cashbackRate: -1, discountRate: -5, pointsMultiplier: 0.5 };
    program.tiers[1] = { ...program.tiers[1], pointsMultiplier: 1.255 };
    const paths = issues(program).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'tiers.0.cashbackRate',
        'tiers.0.discountRate',
        'tiers.0.pointsMultiplier',
        'tiers.1.pointsMultiplier',
      ]),
    );
  });

  it('refuses a negative earn rate and negative bonuses', () => {
    const program = {
      ...draft(),
      earn: { pointsPerUnit: -1 },
      bonuses: { signup: -1, referrer: 0, referee: 0, birthday: 0 },
    };
    expect(issues(program).map((i) => i.path)).toEqual(
      expect.arrayContaining(['earn.pointsPerUnit', 'bonuses.signup']),
    );
  });

  it('refuses a promotion that ends before it starts, or that gives nothing', () => {
    const program = {
      ...draft(),
      promotions: [
        { ...promotion, endsAt: '2026-05-31T00:00:00.000Z' },
        { id: 'p2', name: 'Empty', startsAt: promotion.startsAt, endsAt: promotion.endsAt },
      ],
    };
    expect(issues(program)).toEqual(
      expect.arrayContaining([
        { path: 'promotions.0.endsAt', message: 'must be after startsAt' },
        { path: 'promotions.1', message: 'needs pointsMultiplier or bonusPoints' },
      ]),
    );
  });

  it('refuses a duplicate promotion id', () => {
    const program = { ...draft(), promotions: [promotion, { ...promotion, bonusPoints: 5 }] };
    expect(issues(program)).toContainEqual({ path: 'promotions.1.id', message: 'duplicate promotion id "p1"' });
  });

  it('refuses money in another currency than the program', () => {
    const program = draft();
    program.tiers[1] = { ...program.tiers[1], minQualifyingSpend: { value: 50_000, currency: 'USD' } };
    program.bonuses = {
      signup: 0,
      referrer: 0,
      referee: 0,
      birthday: 0,
      spendThreshold: { amount: { value: 100, currency: 'USD' }, points: 5 },
    };
    expect(issues(program).map((i) => i.path)).toEqual(
      expect.arrayContaining(['tiers.1.minQualifyingSpend.currency', 'bonuses.spendThreshold.amount.currency']),
    );
  });

  it('refuses an expiry of zero months and unknown fields', () => {
    expect(issues({ ...draft(), expiry: { inactivityMonths: 0 } }).map((i) => i.path)).toContain(
      'expiry.inactivityMonths',
    );
    expect(issues({ ...draft(), bonus: {} }).length).toBeGreaterThan(0);
  });

  it("accepts the lifecycle settings and keeps today's behaviour when they are absent", () => {
    expect(issues({ ...draft(), earn: { pointsPerUnit: 1, holdDays: 30 } })).toEqual([]);
    expect(issues({ ...draft(), expiry: { afterMonths: 24, roundTo: 'month', remindDays: 30 } })).toEqual([]);
    expect(issues({ ...draft(), expiry: { inactivityMonths: 24, remindDays: 14 } })).toEqual([]);
    const parsed = ProgramRules.parse(draft());
    expect(parsed.earn.holdDays).toBeUndefined();
    expect(parsed.expiry).toEqual({ inactivityMonths: 24 });
  });

  it('refuses lifecycle settings out of range, each at its field', () => {
    const paths = (program: unknown) => issues(program).map((i) => i.path);
    expect(paths({ ...draft(), earn: { pointsPerUnit: 1, holdDays: -1 } })).toContain('earn.holdDays');
    expect(paths({ ...draft(), earn: { pointsPerUnit: 1, holdDays: 366 } })).toContain('earn.holdDays');
    expect(paths({ ...draft(), expiry: { afterMonths: 0 } })).toContain('expiry.afterMonths');
    expect(paths({ ...draft(), expiry: { afterMonths: 12, roundTo: 'week' } })).toContain('expiry.roundTo');
    expect(paths({ ...draft(), expiry: { afterMonths: 12, remindDays: 0 } })).toContain('expiry.remindDays');
  });

  it('refuses expiry settings that do not fit together', () => {
    expect(issues({ ...draft(), expiry: { inactivityMonths: 12, afterMonths: 12 } })).toContainEqual({
      path: 'expiry.afterMonths',
      message: 'cannot be combined with inactivityMonths: choose one',
    });
    expect(issues({ ...draft(), expiry: { remindDays: 10 } })).toContainEqual({
      path: 'expiry',
      message: 'needs inactivityMonths or afterMonths (or null for no expiry)',
    });
    expect(issues({ ...draft(), expiry: { inactivityMonths: 12, roundTo: 'month' } })).toContainEqual({
      path: 'expiry.roundTo',
      message: 'applies only with afterMonths',
    });
    expect(issues({ ...draft(), expiry: { afterMonths: 1, remindDays: 60 } })).toContainEqual({
      path: 'expiry.remindDays',
      message: 'must be at most 28 (afterMonths × 28 days)',
    });
  });
});

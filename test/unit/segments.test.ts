import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newMember, type MemberState } from '@shared/domain/member';
import {
  conditionVerdict,
  planMemberships,
  planWithin,
  rulesVerdict,
  type SegmentDefinition,
} from '@shared/domain/segments';
import { DAY_MS } from '@shared/domain/time';
import { PutSegmentRequest, type SegmentCondition, type SegmentRules } from '@shared/schemas/segments';

const program = {
  tiers: [
    { id: 'member', name: 'Member', minQualifyingSpend: { value: 0, currency: 'EUR' } },
    { id: 'gold', name: 'Gold', minQualifyingSpend: { value: 100_000, currency: 'EUR' } },
  ],
} as unknown as Parameters<typeof rulesVerdict>[2]['program'];
const now = new Date('2026-06-15T12:00:00.000Z');
const at = (time: Date | string) => ({ now: typeof time === 'string' ? new Date(time) : time, program });
const days = (n: number) => n * DAY_MS;

function member(overrides: Partial<MemberState> = {}, purchases: Partial<MemberState['purchases']> = {}): MemberState {
  const base = newMember({
    memberId: 'm1',
    referralCode: 'R1',
    createdAt: '2025-01-10T08:00:00.000Z',
    profile: { birthday: '1990-06-20' },
    consent: { marketing: true, analytics: false },
  });
  return { ...base, ...overrides, purchases: { ...base.purchases, ...purchases } };
}

describe('segment conditions', () => {
  it('holds "last purchase older than 90 days" from the 90th day on, and says when', () => {
    const lapsed = member({}, { count: 3, lastAt: '2026-03-01T10:00:00.000Z' });
    const condition: SegmentCondition = { field: 'purchases.lastAt', op: 'olderThan', value: 'P90D' };
    const verdict = conditionVerdict(condition, lapsed, at(now));
    expect(verdict).toEqual({ holds: true });
    const recent = member({}, { count: 3, lastAt: '2026-06-01T10:00:00.000Z' });
    expect(conditionVerdict(condition, recent, at(now))).toEqual({
      holds: false,
      flipsAt: Date.parse('2026-06-01T10:00:00.000Z') + days(90),
    });
  });

  it('never holds a purchase condition for a member who never bought', () => {
    const fresh = member();
    expect(conditionVerdict({ field: 'purchases.lastAt', op: 'olderThan', value: 'P1D' }, fresh, at(now)).holds).toBe(
      false,
    );
    expect(conditionVerdict({ field: 'purchases.lastAt', op: 'within', value: 'P1D' }, fresh, at(now)).holds).toBe(
      false,
    );
    expect(conditionVerdict({ field: 'channel.last', op: 'in', value: ['web'] }, fresh, at(now)).holds).toBe(false);
  });

  it('enters a birthday window n days ahead and leaves it the day after the birthday', () => {
    const condition: SegmentCondition = { field: 'birthday', op: 'within', value: 'P7D' };
    expect(conditionVerdict(condition, member(), at('2026-06-12T09:00:00.000Z'))).toEqual({
      holds: false,
      flipsAt: Date.parse('2026-06-13T00:00:00.000Z'),
    });
    expect(conditionVerdict(condition, member(), at('2026-06-13T00:00:00.000Z'))).toEqual({
      holds: true,
      flipsAt: Date.parse('2026-06-21T00:00:00.000Z'),
    });
    expect(conditionVerdict(condition, member(), at('2026-06-20T23:59:59.000Z')).holds).toBe(true);
    expect(conditionVerdict(condition, member(), at('2026-06-21T00:00:00.000Z')).holds).toBe(false);
  });

  it('drops rolling spend as its days leave the 365-day window', () => {
    const spender = member({}, { count: 2, spendByDay: { '2025-07-01': 60_000, '2026-01-10': 50_000 } });
    const condition: SegmentCondition = {
      field: 'spend.rolling12m',
      op: 'gte',
      value: { value: 100_000, currency: 'EUR' },
    };
    expect(conditionVerdict(condition, spender, at(now))).toEqual({
      holds: true,
      flipsAt: Date.parse('2025-07-01T00:00:00.000Z') + days(365),
    });
    expect(conditionVerdict(condition, spender, at('2026-07-01T00:00:00.000Z')).holds).toBe(false);
  });

  it('reads tier, balance, consent and last channel from the member', () => {
    const gold = member(
      { points: { balance: 500, lifetimeEarned: 500, lifetimeRedeemed: 0 } },
      {
        count: 1,
        lastChannel: 'web',
        spendByDay: { '2026-06-01': 150_000 },
      },
    );
    expect(conditionVerdict({ field: 'tier', op: 'in', value: ['gold'] }, gold, at(now)).holds).toBe(true);
    expect(conditionVerdict({ field: 'points.balance', op: 'gte', value: 500 }, gold, at(now)).holds).toBe(true);
    expect(conditionVerdict({ field: 'points.balance', op: 'lte', value: 499 }, gold, at(now)).holds).toBe(false);
    expect(conditionVerdict({ field: 'consent.marketing', op: 'eq', value: false }, gold, at(now)).holds).toBe(false);
    expect(conditionVerdict({ field: 'channel.last', op: 'in', value: ['pos', 'web'] }, gold, at(now)).holds).toBe(
      true,
    );
    expect(conditionVerdict({ field: 'purchases.count', op: 'eq', value: 1 }, gold, at(now)).holds).toBe(true);
  });
});

describe('memberships', () => {
  const lapsed: SegmentDefinition = {
    segmentId: 'lapsed',
    name: 'Lapsed',
    startedAt: '2026-01-01T00:00:00.000Z',
    rules: {
      all: [
        { field: 'purchases.lastAt', op: 'olderThan', value: 'P90D' },
        { field: 'consent.marketing', op: 'eq', value: true },
      ],
    },
  };
  const vip: SegmentDefinition = { segmentId: 'vip', name: 'VIP', startedAt: '2026-01-01T00:00:00.000Z' };

  it('enters and leaves rules segments, keeps the since of a membership held, and applies list changes', () => {
    const m = member({}, { count: 1, lastAt: '2026-01-01T10:00:00.000Z' });
    const first = planMemberships(m, [lapsed, vip], at(now), { listChanges: [{ segmentId: 'vip', action: 'add' }] });
    expect(first).toEqual({
      segments: { lapsed: now.toISOString(), vip: now.toISOString() },
      entered: ['lapsed', 'vip'],
      left: [],
    });
    const later = new Date(now.getTime() + days(3));
    const held = planMemberships({ ...m, segments: first.segments }, [lapsed, vip], at(later));
    expect(held).toEqual({ segments: first.segments, entered: [], left: [] });
    const bought = { ...m, segments: first.segments, purchases: { ...m.purchases, lastAt: later.toISOString() } };
    const back = planMemberships(bought, [lapsed, vip], at(later), {
      listChanges: [{ segmentId: 'vip', action: 'remove' }],
    });
    expect(back).toEqual({
      segments: {},
      entered: [],
      left: ['lapsed', 'vip'],
      dueAt: new Date(later.getTime() + days(90)).toISOString(),
    });
  });

  it('does not count a membership of an earlier segment of the same id, and drops deleted ones', () => {
    const m = member({ segments: { vip: '2025-05-01T00:00:00.000Z', gone: '2025-05-01T00:00:00.000Z' } });
    const plan = planMemberships(m, [vip], at(now), { deleted: new Set(['gone']) });
    expect(plan).toEqual({ segments: {}, entered: [], left: [] });
    const unknown = planMemberships({ ...m, segments: { newer: now.toISOString() } }, [vip], at(now));
    expect(unknown.segments).toEqual({ newer: now.toISOString() });
  });

  it('takes an erased member out of every segment', () => {
    const m = member({ status: 'erased', segments: { vip: '2026-02-01T00:00:00.000Z' } });
    expect(planMemberships(m, [vip, lapsed], at(now))).toEqual({ segments: {}, entered: [], left: ['vip'] });
  });
});

const conditionArb: fc.Arbitrary<SegmentCondition> = fc.oneof(
  fc.record({
    field: fc.constant('purchases.lastAt' as const),
    op: fc.constantFrom('olderThan' as const, 'within' as const),
    value: fc.integer({ min: 1, max: 400 }).map((n) => `P${n}D`),
  }),
  fc.record({
    field: fc.constant('enrolledAt' as const),
    op: fc.constantFrom('olderThan' as const, 'within' as const),
    value: fc.integer({ min: 1, max: 400 }).map((n) => `P${n}D`),
  }),
  fc.record({
    field: fc.constant('birthday' as const),
    op: fc.constant('within' as const),
    value: fc.integer({ min: 1, max: 60 }).map((n) => `P${n}D`),
  }),
  fc.record({
    field: fc.constant('spend.rolling12m' as const),
    op: fc.constantFrom('gte' as const, 'lte' as const),
    value: fc.integer({ min: 0, max: 20_000 }).map((value) => ({ value, currency: 'EUR' })),
  }),
  fc.record({
    field: fc.constant('purchases.count' as const),
    op: fc.constantFrom('gte' as const, 'lte' as const, 'eq' as const),
    value: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ field: fc.constant('consent.marketing' as const), op: fc.constant('eq' as const), value: fc.boolean() }),
);

const memberArb = fc
  .record({
    enrolledDaysAgo: fc.integer({ min: 0, max: 800 }),
    lastDaysAgo: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
    spend: fc.array(fc.tuple(fc.integer({ min: -2, max: 400 }), fc.integer({ min: -3000, max: 9000 })), {
      maxLength: 6,
    }),
    count: fc.integer({ min: 0, max: 4 }),
    birthday: fc.option(fc.date({ min: new Date('1950-01-01'), max: new Date('2005-12-31'), noInvalidDate: true }), {
      nil: undefined,
    }),
    marketing: fc.boolean(),
  })
  .map((drawn) => {
    const spendByDay: Record<string, number> = {};
    for (const [ago, value] of drawn.spend) {
      const day = new Date(now.getTime() - days(ago)).toISOString().slice(0, 10);
      spendByDay[day] = (spendByDay[day] ?? 0) + value;
    }
    return member(
      {
        createdAt: new Date(now.getTime() - days(drawn.enrolledDaysAgo)).toISOString(),
        profile: drawn.birthday ? { birthday: drawn.birthday.toISOString().slice(0, 10) } : {},
        consent: { marketing: drawn.marketing, analytics: false },
      },
      {
        count: drawn.count,
        spendByDay,
        ...(drawn.lastDaysAgo !== undefined
          ? { lastAt: new Date(now.getTime() - days(drawn.lastDaysAgo) + 3_600_000).toISOString() }
          : {}),
      },
    );
  });

const rulesArb: fc.Arbitrary<SegmentRules> = fc
  .tuple(fc.boolean(), fc.array(conditionArb, { minLength: 1, maxLength: 5 }))
  .map(([all, conditions]) => (all ? { all: conditions } : { any: conditions }));

describe('conditions combined (properties)', () => {
  it('`all` holds when every condition holds, `any` when one does', () => {
    fc.assert(
      fc.property(memberArb, rulesArb, (m, rules) => {
        const each = (rules.all ?? rules.any ?? []).map((condition) => conditionVerdict(condition, m, at(now)).holds);
        const expected = rules.all ? each.every(Boolean) : each.some(Boolean);
        expect(rulesVerdict(rules, m, at(now)).holds).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is never late: the rules give the same answer at every instant before their due time', () => {
    fc.assert(
      fc.property(
        memberArb,
        rulesArb,
        fc.array(fc.integer({ min: 1, max: days(800) }), { minLength: 1, maxLength: 8 }),
        (m, rules, offsets) => {
          const verdict = rulesVerdict(rules, m, at(now));
          for (const offset of offsets) {
            const later = new Date(now.getTime() + offset);
            const changed = rulesVerdict(rules, m, at(later)).holds !== verdict.holds;
            if (changed) expect(verdict.flipsAt).toBeLessThanOrEqual(later.getTime());
            if (verdict.flipsAt !== undefined) expect(verdict.flipsAt).toBeGreaterThan(now.getTime());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('segment requests', () => {
  const issues = (body: unknown) =>
    PutSegmentRequest.safeParse(body).error?.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));

  it('refuses an unknown field, an operator that does not fit, a value of the wrong type, at their paths', () => {
    expect(issues({ name: 'x', rules: { all: [{ field: 'purchases.total', op: 'gte', value: 1 }] } })?.[0]?.path).toBe(
      'rules.all.0.field',
    );
    expect(issues({ name: 'x', rules: { all: [{ field: 'tier', op: 'gte', value: ['gold'] }] } })?.[0]?.path).toBe(
      'rules.all.0.op',
    );
    expect(
      issues({ name: 'x', rules: { any: [{ field: 'purchases.lastAt', op: 'within', value: 90 }] } })?.[0]?.path,
    ).toBe('rules.any.0.value');
    expect(
      issues({ name: 'x', rules: { any: [{ field: 'consent.marketing', op: 'eq', value: 'yes' }] } })?.[0]?.path,
    ).toBe('rules.any.0.value');
  });

  it('refuses both all and any, neither, more than 20 conditions, and both rules and list', () => {
    const condition = { field: 'purchases.count', op: 'gte', value: 1 };
    expect(issues({ name: 'x', rules: { all: [condition], any: [condition] } })).toEqual([
      { path: 'rules.any', message: 'give either all or any, not both' },
    ]);
    expect(issues({ name: 'x', rules: {} })).toEqual([{ path: 'rules', message: 'give all or any' }]);
    expect(issues({ name: 'x', rules: { all: Array.from({ length: 21 }, () => condition) } })?.[0]?.path).toBe(
      'rules.all',
    );
    expect(issues({ name: 'x', rules: { all: Array.from({ length: 20 }, () => condition) } })).toBeUndefined();
    expect(issues({ name: 'x', rules: { all: [condition] }, list: true })?.[0]?.path).toBe('list');
    expect(issues({ name: 'x' })?.[0]?.path).toBe('rules');
  });
});

describe('memberships a write has no room for', () => {
  const open = (segmentId: string): SegmentDefinition => ({
    segmentId,
    name: segmentId,
    startedAt: '2026-01-01T00:00:00.000Z',
    rules: { all: [{ field: 'consent.marketing', op: 'eq', value: true }] },
  });

  it('converge, batch after batch, to the memberships the whole plan gives: each entry and exit once, list changes first', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (count, heldCount, batch) => {
          const catalog = Array.from({ length: count }, (_, index) => open(`s-${String(index).padStart(2, '0')}`));
          const list: SegmentDefinition = { segmentId: 'vip', name: 'VIP', startedAt: '2026-01-01T00:00:00.000Z' };
          // Held segments the member leaves (marketing withdrawn), or enters (given).
          const leaving = heldCount % 2 === 0;
          const held = Object.fromEntries(
            catalog
              .slice(0, leaving ? Math.min(heldCount, count) : 0)
              .map((s) => [s.segmentId, '2026-02-01T00:00:00.000Z']),
          );
          let state = member({ segments: held, consent: { marketing: !leaving, analytics: false } });
          const full = planMemberships(state, [...catalog, list], at(now), {
            listChanges: [{ segmentId: 'vip', action: 'add' }],
          });
          const seen: string[] = [];
          for (let pass = 0; pass < 100; pass++) {
            const listChanges = pass === 0 ? [{ segmentId: 'vip', action: 'add' as const }] : [];
            const planned = planMemberships(state, [...catalog, list], at(now), { listChanges });
            const cut = planWithin(planned, state, batch, now, new Set(listChanges.map((c) => c.segmentId)));
            if (pass === 0) expect(cut.entered).toContain('vip');
            expect(cut.entered.length + cut.left.length).toBeLessThanOrEqual(batch);
            seen.push(...cut.entered.map((id) => `+${id}`), ...cut.left.map((id) => `-${id}`));
            state = { ...state, segments: cut.segments };
            if (!cut.backlog) break;
            expect(cut.dueAt).toBe(now.toISOString());
          }
          expect(state.segments ?? {}).toEqual(full.segments);
          expect(seen.sort()).toEqual(
            [...full.entered.map((id) => `+${id}`), ...full.left.map((id) => `-${id}`)].sort(),
          );
        },
      ),
    );
  });
});

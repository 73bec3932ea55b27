/**
 * Basket rules in the bench (issue #25): an earn with 20 lines against a program of 20 rules,
 * next to an earn without lines under the same program (round trips, write units and what each
 * written item costs, this project's own time), and 200 concurrent earns against a rule with a
 * points budget next to the same earns against the same rule without one (throughput, and the
 * budget never passed when the earns ask for more than it holds).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { defaultProgram } from '@infra/config/default-program';
import type { ProgramRules } from '@shared/schemas/program';
import type { Rule } from '@shared/schemas/rules';
import { pool, type ApiClient } from './api-client';
import { dynamoMs, roundTrips, type DynamoRecorder } from './dynamo-recorder';

const eur = (value: number) => ({ value, currency: 'EUR' });
const CATEGORIES = Array.from({ length: 10 }, (_, i) => `cat-${i}`);

/** 20 rules of every kind: category multipliers, points per unit, bonuses with thresholds, a channel, a limit, a budget. */
export function twentyRules(budgetPoints?: number): Rule[] {
  const rules: Rule[] = [];
  for (let i = 0; i < 8; i += 1)
    rules.push({
      id: `cat-x${i}`,
      name: `Category ${i} ×1.5`,
      lines: { categories: [CATEGORIES[i] as string] },
      effect: { type: 'multiplier', factor: 1.5 },
    });
  for (let i = 0; i < 6; i += 1)
    rules.push({
      id: `ppu-${i}`,
      name: `Product ${i}`,
      lines: { skus: [`sku-${i}`] },
      effect: { type: 'pointsPerUnit', points: 3 },
    });
  rules.push(
    {
      id: 'buy3',
      name: 'Buy 3',
      lines: { categories: ['cat-1'] },
      when: { minQuantity: 3 },
      effect: { type: 'bonus', points: 50 },
    },
    { id: 'spend50', name: 'Spend 50 €', when: { minAmount: eur(5000) }, effect: { type: 'bonus', points: 25 } },
    { id: 'app', name: 'App bonus', when: { channels: ['app'] }, effect: { type: 'bonus', points: 10 } },
    { id: 'store', name: 'Store bonus', when: { stores: ['store-1'] }, effect: { type: 'bonus', points: 5 } },
    {
      id: 'daily',
      name: 'Once a day',
      limits: { perMember: { count: 1, period: 'day' } },
      effect: { type: 'bonus', points: 7 },
    },
    {
      id: 'launch',
      name: 'Launch bonus',
      ...(budgetPoints !== undefined ? { limits: { budgetPoints } } : {}),
      effect: { type: 'bonus', points: 10 },
    },
  );
  return rules;
}

/** 20 lines over 10 categories and 20 SKUs, 2 units each, 115.00 € in all. */
export function twentyLines() {
  return Array.from({ length: 20 }, (_, i) => ({
    lineId: `${i + 1}`,
    sku: `sku-${i}`,
    categories: [CATEGORIES[i % 10] as string],
    quantity: 2,
    amount: eur(300 + 10 * i),
  }));
}

const withRules = (rules: Rule[]): ProgramRules => ({ ...structuredClone(defaultProgram), rules });

export interface WrittenItemCost {
  item: string;
  bytes: number;
  writeUnits: number;
}

export interface BasketRulesResult {
  withLines: { roundTrips: number; wru: number; items: WrittenItemCost[]; ownMsMedian: number };
  withoutLines: { roundTrips: number; wru: number; ownMsMedian: number };
  ownRatio: number;
  concurrency: number;
  budgetedPerSecond: number;
  unbudgetedPerSecond: number;
  throughputRatio: number;
  oversubscribed: { budget: number; asked: number; given: number; shardsSum: number };
  retriedAfter503: number;
}

async function enrolMany(api: ApiClient, count: number): Promise<string[]> {
  const members: string[] = [];
  await pool(count, 8, async () => {
    const answer = await untilAnswered(api, 201, 'POST', '/v1/members', {
      consent: { marketing: false, analytics: false },
    });
    members.push((answer.body as { memberId: string }).memberId);
  });
  return members;
}

/**
 * A call asked again with the same Idempotency-Key when the server answers 503 (what the
 * problem tells a caller to do: a busy 2-core machine running 200 at once may see one); the
 * retries are counted and printed.
 */
let retried = 0;
async function untilAnswered(api: ApiClient, status: number, method: string, path: string, body: unknown) {
  const idempotencyKey = randomUUID();
  for (;;) {
    // A reset connection (the local server overwhelmed) is asked again too, with the same key.
    const answer = await api.call(method, path, { body, idempotencyKey }).catch(() => undefined);
    if (answer?.status === status) return answer;
    if (!answer) {
      retried += 1;
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
      continue;
    }
    if (answer.status !== 503) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    retried += 1;
    await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
  }
}
const earnOnce = (api: ApiClient, memberId: string, body: unknown) =>
  untilAnswered(api, 201, 'POST', `/v1/members/${memberId}/earn`, body);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;

/** The kind of an item a write touched, from its key (no member or order ids). */
function itemKind(pk: string, sk: string): string {
  if (pk.startsWith('RULEBUDGET#')) return 'rule budget shard';
  if (pk.startsWith('IDEMPOTENCY#')) return 'idempotency record';
  if (sk === 'PROFILE') return 'member';
  if (sk.startsWith('ORDER#')) return 'order';
  if (sk.startsWith('TX#')) return 'ledger entry';
  if (sk.startsWith('EVENT#') || pk.startsWith('EVENT#')) return 'event';
  return sk.split('#')[0] ?? sk;
}

async function put(api: ApiClient, program: ProgramRules) {
  for (;;) {
    const answer = await api.call('PUT', '/v1/admin/program', { key: api.adminKey, body: program });
    if (answer.status === 200) return;
    if (answer.status !== 503) throw new Error(`PUT program: ${answer.status} ${JSON.stringify(answer.body)}`);
    retried += 1;
  }
}

const earnBody = (lines: boolean) => ({
  orderId: `b-${randomUUID()}`,
  amount: eur(lines ? twentyLines().reduce((sum, line) => sum + line.amount.value, 0) : 11_500),
  channel: 'app',
  storeId: 'store-1',
  ...(lines ? { lines: twentyLines() } : {}),
});

/** The earn with 20 lines and the same earn without lines, counted through the recorder, interleaved. */
export async function measureBasketEarn(api: ApiClient, recorder: DynamoRecorder, samples = 15) {
  recorder.accounting = false;
  await put(api, withRules(twentyRules(1_000_000_000)));
  const members = await enrolMany(api, 2 * samples);
  for (const memberId of members.slice(0, 4)) await earnOnce(api, memberId, earnBody(true));
  type Sample = { trips: number; wru: number; own: number };
  const figures: Record<'true' | 'false', Sample[]> = { true: [], false: [] };
  let items: WrittenItemCost[] = [];
  for (let i = 0; i < samples; i += 1) {
    for (const lines of [true, false]) {
      const memberId = members[2 * i + (lines ? 0 : 1)] as string;
      recorder.accounting = i === 0;
      const { result, calls, wallMs } = await recorder.during(() =>
        api.call('POST', `/v1/members/${memberId}/earn`, { body: earnBody(lines) }),
      );
      if (result.status !== 201) throw new Error(`basket earn: ${result.status} ${JSON.stringify(result.body)}`);
      // The authorizer's key lookup is cached by API Gateway on AWS: not counted.
      const own = calls.filter(
        (call) => !(call.partitionKeys.length > 0 && call.partitionKeys.every((pk) => pk.startsWith('APIKEY#'))),
      );
      figures[`${lines}`].push({
        trips: roundTrips(own),
        wru: own.reduce((sum, call) => sum + call.wru + call.indexWru, 0),
        own: Math.max(0, wallMs - dynamoMs(calls)),
      });
      if (i === 0 && lines)
        items = own
          .flatMap((call) => call.written)
          .map((written) => ({
            item: itemKind(written.pk, written.sk),
            bytes: written.bytesAfter,
            // Transactional writes cost 2 units per started KB.
            writeUnits: 2 * Math.max(1, Math.ceil(written.bytesAfter / 1024)),
          }));
    }
  }
  recorder.accounting = true;
  const summary = (list: Sample[]) => ({
    roundTrips: Math.max(...list.map((f) => f.trips)),
    wru: list[0]?.wru ?? 0,
    ownMsMedian: Number(median(list.map((f) => f.own)).toFixed(2)),
  });
  const withLines = { ...summary(figures.true), items };
  const withoutLines = summary(figures.false);
  return {
    withLines,
    withoutLines,
    ownRatio: Number((withLines.ownMsMedian / Math.max(0.01, withoutLines.ownMsMedian)).toFixed(2)),
  };
}

async function earnsPerSecond(api: ApiClient, members: string[], perMember: number, lines: boolean) {
  const started = performance.now();
  await pool(members.length * perMember, members.length, async (i) => {
    const memberId = members[i % members.length] as string;
    await earnOnce(api, memberId, earnBody(lines));
  });
  return (members.length * perMember) / ((performance.now() - started) / 1000);
}

/**
 * 200 concurrent earns (one member each, so members never race) against the 20 rules, once
 * with the launch rule's budget and once without, interleaved; then 200 concurrent earns that
 * ask for more than a small budget holds: what they were given must be exactly the budget.
 */
export async function measureBudgetConcurrency(api: ApiClient, concurrency = 200, perMember = 3) {
  const members = await enrolMany(api, concurrency);
  const rates = { budgeted: [] as number[], unbudgeted: [] as number[] };
  for (let round = 0; round < 2; round += 1) {
    await put(api, withRules(twentyRules(1_000_000_000)));
    rates.budgeted.push(await earnsPerSecond(api, members, perMember, false));
    await put(api, withRules(twentyRules()));
    rates.unbudgeted.push(await earnsPerSecond(api, members, perMember, false));
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  const budget = 1_234;
  const rules = twentyRules().map((rule) =>
    rule.id === 'launch' ? { ...rule, id: 'small-budget', limits: { budgetPoints: budget } } : rule,
  );
  await put(api, withRules(rules));
  let given = 0;
  await Promise.all(
    members.map(async (memberId) => {
      const answer = await earnOnce(api, memberId, earnBody(false));
      const breakdown = (answer.body as { breakdown: { rule: string; points: number }[] }).breakdown;
      given += breakdown.find((line) => line.rule === 'rule:small-budget')?.points ?? 0;
    }),
  );
  const { findBudgetsGiven } = await import('@shared/store/items/rule-budget');
  const shardsSum = ((await findBudgetsGiven(['small-budget'])).get('small-budget') ?? []).reduce(
    (sum: number, gave) => sum + (gave ?? 0),
    0,
  );
  const budgetedPerSecond = mean(rates.budgeted);
  const unbudgetedPerSecond = mean(rates.unbudgeted);
  return {
    concurrency,
    budgetedPerSecond: Math.round(budgetedPerSecond),
    unbudgetedPerSecond: Math.round(unbudgetedPerSecond),
    throughputRatio: Number((budgetedPerSecond / unbudgetedPerSecond).toFixed(2)),
    oversubscribed: { budget, asked: concurrency * 10, given, shardsSum },
    retriedAfter503: retried,
  };
}

import { fractionDigits, minorToMajor, parseMinor } from './format';
import type { JsonValue } from './types';

/**
 * The program as a form edits it: every number as the text a person typed, in the units a person
 * thinks in (money in major units of the program's currency, rates as percentages), and back to
 * the API's units (minor units, basis points) exactly, by splitting the text at the decimal point —
 * never by float arithmetic. Errors are keyed by the API's own paths (`tiers.1.minQualifyingSpend.value`)
 * so a mistake found here and one the server finds are shown at the same input.
 */
export type Rules = { [key: string]: JsonValue };
type Money = { value: number; currency: string };

export interface TierForm {
  id: string;
  name: string;
  minSpend: string;
  multiplier: string;
  cashbackPercent: string;
  discountPercent: string;
}

export interface PromotionForm {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  multiplier: string;
  bonusPoints: string;
}

export type EffectType = 'multiplier' | 'pointsPerUnit' | 'bonus' | 'reward';

export interface RuleForm {
  id: string;
  name: string;
  priority: string;
  exclusive: boolean;
  startsAt: string;
  endsAt: string;
  effectType: EffectType;
  /** The factor, the points or the reward id, by effect type. */
  effectValue: string;
  /** The lines it looks at: comma-separated lists. */
  skus: string;
  categories: string;
  /** Its conditions (`when`): lists comma-separated, days 1 = Monday … 7 = Sunday. */
  channels: string;
  stores: string;
  daysOfWeek: number[];
  timeFrom: string;
  timeTo: string;
  firstPurchase: boolean;
  tiers: string[];
  /** In major units of the program's currency. */
  minAmount: string;
  minQuantity: string;
  /** `limits`: per member (count per period, '' = no limit) and the budget in points. */
  limitCount: string;
  limitPeriod: RulePeriod | '';
  budgetPoints: string;
  /** What the form has no input for (e.g. `when.segments`), sent back as it came. */
  kept: { lines: Rules; when: Rules; limits: Rules };
}

export type RulePeriod = 'day' | 'week' | 'month' | 'year' | 'lifetime';
export const RULE_PERIODS: RulePeriod[] = ['day', 'week', 'month', 'year', 'lifetime'];

export type ExpiryMode = 'none' | 'inactivity' | 'lots';

export interface ProgramForm {
  currency: string;
  timezone: string;
  pointsPerUnit: string;
  earnHoldDays: string;
  tiers: TierForm[];
  promotions: PromotionForm[];
  rules: RuleForm[];
  bonuses: {
    signup: string;
    referrer: string;
    referee: string;
    birthday: string;
    anniversary: string;
    threshold: boolean;
    thresholdAmount: string;
    thresholdPoints: string;
  };
  cashbackHoldDays: string;
  expiry: { mode: ExpiryMode; inactivityMonths: string; afterMonths: string; roundTo: string; remindDays: string };
  expectedLifespanYears: string;
}

const READ_ONLY = ['version', 'updatedAt'];

const object = (value: JsonValue | undefined): Rules =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
const list = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);
const text = (value: JsonValue | undefined): string =>
  value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** 150 basis points → "1.5" (percent). */
export function basisPointsToPercent(value: number): string {
  const padded = String(value).padStart(3, '0');
  const fraction = padded.slice(-2).replace(/0+$/, '');
  return fraction ? `${padded.slice(0, -2)}.${fraction}` : padded.slice(0, -2);
}

/** "1.5" (percent) → 150 basis points; undefined when not a percentage with at most two decimals. */
export function percentToBasisPoints(input: string): number | undefined {
  const match = /^\s*(\d+)(?:[.,](\d{0,2}))?\s*%?\s*$/.exec(input);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** An ISO time as the value of an <input type="datetime-local" step="1">, in UTC. */
export const isoToInput = (iso: string): string => (iso ? iso.slice(0, 19) : '');
/** Back: the input's text read as UTC (seconds optional). Undefined when it is not a time. */
export function inputToIso(input: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(input)) return undefined;
  const time = Date.parse(`${input.length === 16 ? `${input}:00` : input}.000Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** The keys of a rule's `lines`, `when` and `limits` that the form has inputs for. */
const RULE_FORM_KEYS = {
  lines: ['skus', 'categories'],
  when: ['channels', 'stores', 'daysOfWeek', 'localTime', 'firstPurchase', 'tiers', 'minAmount', 'minQuantity'],
  limits: ['perMember', 'budgetPoints'],
} as const;

const withoutFormKeys = (value: Rules, keys: readonly string[]): Rules =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
const joinList = (value: JsonValue | undefined): string => list(value).map(text).join(', ');
const splitList = (input: string): string[] | undefined => {
  const items = input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
};

function ruleToForm(rule: Rules, currency: string): RuleForm {
  const effect = object(rule.effect);
  const type = (['multiplier', 'pointsPerUnit', 'bonus', 'reward'] as const).find((t) => t === effect.type);
  const lines = object(rule.lines);
  const when = object(rule.when);
  const limits = object(rule.limits);
  const localTime = object(when.localTime);
  const perMember = object(limits.perMember);
  const minAmount = object(when.minAmount);
  const period = RULE_PERIODS.find((p) => p === perMember.period);
  return {
    id: text(rule.id),
    name: text(rule.name),
    priority: text(rule.priority),
    exclusive: rule.exclusive === true,
    startsAt: isoToInput(text(rule.startsAt)),
    endsAt: isoToInput(text(rule.endsAt)),
    effectType: type ?? 'bonus',
    effectValue: text(type === 'multiplier' ? effect.factor : type === 'reward' ? effect.rewardId : effect.points),
    skus: joinList(lines.skus),
    categories: joinList(lines.categories),
    channels: joinList(when.channels),
    stores: joinList(when.stores),
    daysOfWeek: list(when.daysOfWeek).filter((day) => typeof day === 'number'),
    timeFrom: text(localTime.from),
    timeTo: text(localTime.to),
    firstPurchase: when.firstPurchase === true,
    tiers: list(when.tiers).map(text),
    minAmount: typeof minAmount.value === 'number' ? minorToMajor(minAmount.value, currency) : '',
    minQuantity: text(when.minQuantity),
    limitCount: text(perMember.count),
    limitPeriod: period ?? '',
    budgetPoints: text(limits.budgetPoints),
    kept: {
      lines: withoutFormKeys(lines, RULE_FORM_KEYS.lines),
      when: withoutFormKeys(when, RULE_FORM_KEYS.when),
      limits: withoutFormKeys(limits, RULE_FORM_KEYS.limits),
    },
  };
}

export function toForm(program: Rules): ProgramForm {
  const currency = text(program.currency) || 'EUR';
  const money = (value: JsonValue | undefined) => {
    const m = object(value);
    return typeof m.value === 'number' ? minorToMajor(m.value, currency) : '';
  };
  const percent = (value: JsonValue | undefined) => (typeof value === 'number' ? basisPointsToPercent(value) : '');
  const earn = object(program.earn);
  const bonuses = object(program.bonuses);
  const threshold = object(bonuses.spendThreshold);
  const expiry = object(program.expiry);
  return {
    currency,
    timezone: text(program.timezone),
    pointsPerUnit: text(earn.pointsPerUnit),
    earnHoldDays: text(earn.holdDays),
    tiers: list(program.tiers).map((value) => {
      const tier = object(value);
      return {
        id: text(tier.id),
        name: text(tier.name),
        minSpend: money(tier.minQualifyingSpend),
        multiplier: text(tier.pointsMultiplier),
        cashbackPercent: percent(tier.cashbackRate),
        discountPercent: percent(tier.discountRate),
      };
    }),
    promotions: list(program.promotions).map((value) => {
      const promotion = object(value);
      return {
        id: text(promotion.id),
        name: text(promotion.name),
        startsAt: isoToInput(text(promotion.startsAt)),
        endsAt: isoToInput(text(promotion.endsAt)),
        multiplier: text(promotion.pointsMultiplier),
        bonusPoints: text(promotion.bonusPoints),
      };
    }),
    rules: list(program.rules).map((rule) => ruleToForm(object(rule), currency)),
    bonuses: {
      signup: text(bonuses.signup ?? 0),
      referrer: text(bonuses.referrer ?? 0),
      referee: text(bonuses.referee ?? 0),
      birthday: text(bonuses.birthday ?? 0),
      anniversary: text(bonuses.anniversary),
      threshold: bonuses.spendThreshold !== undefined,
      thresholdAmount: money(threshold.amount),
      thresholdPoints: text(threshold.points),
    },
    cashbackHoldDays: text(object(program.cashback).holdDays ?? 0),
    expiry: {
      mode: expiry.afterMonths !== undefined ? 'lots' : expiry.inactivityMonths !== undefined ? 'inactivity' : 'none',
      inactivityMonths: text(expiry.inactivityMonths),
      afterMonths: text(expiry.afterMonths),
      roundTo: text(expiry.roundTo),
      remindDays: text(expiry.remindDays),
    },
    expectedLifespanYears: text(program.expectedLifespanYears),
  };
}

/** Reads the form's texts into values, collecting what cannot be read at the API's paths. */
class Reader {
  readonly errors = new Map<string, string>();
  constructor(readonly currency: string) {}

  fail(path: string, message: string): undefined {
    this.errors.set(path, message);
    return undefined;
  }
  int(input: string, path: string, optional = false): number | undefined {
    if (input.trim() === '') return optional ? undefined : this.fail(path, 'required: a whole number');
    return /^\s*-?\d+\s*$/.test(input) ? Number(input) : this.fail(path, 'must be a whole number');
  }
  decimal(input: string, path: string, optional = false): number | undefined {
    if (input.trim() === '') return optional ? undefined : this.fail(path, 'required: a number');
    return /^\s*\d+(\.\d+)?\s*$/.test(input) ? Number(input) : this.fail(path, 'must be a number like 1.25');
  }
  percent(input: string, path: string): number | undefined {
    const value = percentToBasisPoints(input);
    return value ?? this.fail(path, 'must be a percentage with at most two decimals, like 2.5');
  }
  money(input: string, path: string): Money | undefined {
    const value = parseMinor(input, this.currency);
    if (value === undefined) {
      const digits = fractionDigits(this.currency);
      return this.fail(`${path}.value`, `must be an amount in ${this.currency} with at most ${digits} decimals`);
    }
    return { value, currency: this.currency };
  }
  time(input: string, path: string, optional = false): string | undefined {
    if (input.trim() === '') return optional ? undefined : this.fail(path, 'required: a date and time (UTC)');
    return inputToIso(input.trim()) ?? this.fail(path, 'must be a date and time');
  }
}

/** Drops the keys whose value is undefined (optional fields left empty). */
function defined(entries: [string, JsonValue | undefined][]): Rules {
  const out: Rules = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

function ruleFromForm(rule: RuleForm, index: number, read: Reader): Rules {
  const at = `rules.${index}`;
  const value = rule.effectValue;
  const effect: Rules =
    rule.effectType === 'multiplier'
      ? { type: 'multiplier', factor: read.decimal(value, `${at}.effect.factor`) ?? 0 }
      : rule.effectType === 'reward'
        ? { type: 'reward', rewardId: value.trim() }
        : { type: rule.effectType, points: read.int(value, `${at}.effect.points`) ?? 0 };
  const timeGiven = rule.timeFrom.trim() !== '' || rule.timeTo.trim() !== '';
  const hourMinute = (input: string, path: string) =>
    /^\s*([01]\d|2[0-3]):[0-5]\d\s*$/.test(input) ? input.trim() : read.fail(path, 'must be HH:MM (00:00-23:59)');
  const section = (entries: [string, JsonValue | undefined][], kept: Rules) => {
    const value = { ...defined(entries), ...kept };
    return Object.keys(value).length > 0 ? value : undefined;
  };
  const lines = section(
    [
      ['skus', splitList(rule.skus)],
      ['categories', splitList(rule.categories)],
    ],
    rule.kept.lines,
  );
  const when = section(
    [
      ['channels', splitList(rule.channels)],
      ['stores', splitList(rule.stores)],
      ['daysOfWeek', rule.daysOfWeek.length > 0 ? rule.daysOfWeek : undefined],
      [
        'localTime',
        timeGiven
          ? defined([
              ['from', hourMinute(rule.timeFrom, `${at}.when.localTime.from`)],
              ['to', hourMinute(rule.timeTo, `${at}.when.localTime.to`)],
            ])
          : undefined,
      ],
      ['firstPurchase', rule.firstPurchase ? true : undefined],
      ['tiers', rule.tiers.length > 0 ? rule.tiers : undefined],
      ['minAmount', rule.minAmount.trim() ? read.money(rule.minAmount, `${at}.when.minAmount`) : undefined],
      ['minQuantity', read.int(rule.minQuantity, `${at}.when.minQuantity`, true)],
    ],
    rule.kept.when,
  );
  const limitGiven = rule.limitCount.trim() !== '' || rule.limitPeriod !== '';
  const perMember = limitGiven
    ? defined([
        ['count', read.int(rule.limitCount, `${at}.limits.perMember.count`)],
        ['period', rule.limitPeriod || read.fail(`${at}.limits.perMember.period`, 'required: choose a period')],
      ])
    : undefined;
  const limits = section(
    [
      ['perMember', perMember],
      ['budgetPoints', read.int(rule.budgetPoints, `${at}.limits.budgetPoints`, true)],
    ],
    rule.kept.limits,
  );
  return defined([
    ['id', rule.id.trim()],
    ['name', rule.name],
    ['startsAt', read.time(rule.startsAt, `${at}.startsAt`, true)],
    ['endsAt', read.time(rule.endsAt, `${at}.endsAt`, true)],
    ['priority', read.int(rule.priority, `${at}.priority`, true)],
    ['exclusive', rule.exclusive ? true : undefined],
    ['lines', lines],
    ['when', when],
    ['effect', effect],
    ['limits', limits],
  ]);
}

/**
 * The form back to a program body, keys always in the same order; anything the form does not
 * edit (earn exclusions, fields added later) is kept from `base` as it was.
 */
export function fromForm(form: ProgramForm, base: Rules): { rules: Rules; errors: Map<string, string> } {
  const currency = form.currency.trim().toUpperCase();
  const read = new Reader(currency);
  const earn = object(base.earn);
  const expiry =
    form.expiry.mode === 'none'
      ? null
      : defined([
          form.expiry.mode === 'inactivity'
            ? ['inactivityMonths', read.int(form.expiry.inactivityMonths, 'expiry.inactivityMonths')]
            : ['afterMonths', read.int(form.expiry.afterMonths, 'expiry.afterMonths')],
          ['roundTo', form.expiry.mode === 'lots' && form.expiry.roundTo ? form.expiry.roundTo : undefined],
          ['remindDays', read.int(form.expiry.remindDays, 'expiry.remindDays', true)],
        ]);
  const known: Rules = defined([
    ['currency', currency],
    ['timezone', form.timezone.trim() || undefined],
    [
      'earn',
      defined([
        ['pointsPerUnit', read.int(form.pointsPerUnit, 'earn.pointsPerUnit')],
        ['holdDays', read.int(form.earnHoldDays, 'earn.holdDays', true)],
        ['exclude', earn.exclude],
      ]),
    ],
    [
      'tiers',
      form.tiers.map((tier, i) =>
        defined([
          ['id', tier.id.trim()],
          ['name', tier.name],
          ['minQualifyingSpend', read.money(tier.minSpend, `tiers.${i}.minQualifyingSpend`)],
          ['pointsMultiplier', read.decimal(tier.multiplier, `tiers.${i}.pointsMultiplier`)],
          ['cashbackRate', read.percent(tier.cashbackPercent, `tiers.${i}.cashbackRate`)],
          ['discountRate', read.percent(tier.discountPercent, `tiers.${i}.discountRate`)],
        ]),
      ),
    ],
    [
      'promotions',
      form.promotions.map((promotion, i) =>
        defined([
          ['id', promotion.id.trim()],
          ['name', promotion.name],
          ['startsAt', read.time(promotion.startsAt, `promotions.${i}.startsAt`)],
          ['endsAt', read.time(promotion.endsAt, `promotions.${i}.endsAt`)],
          ['pointsMultiplier', read.decimal(promotion.multiplier, `promotions.${i}.pointsMultiplier`, true)],
          ['bonusPoints', read.int(promotion.bonusPoints, `promotions.${i}.bonusPoints`, true)],
        ]),
      ),
    ],
    // A program that never had rules keeps not having them (an empty list is the same program).
    [
      'rules',
      form.rules.length > 0 || base.rules !== undefined
        ? form.rules.map((r, i) => ruleFromForm(r, i, read))
        : undefined,
    ],
    [
      'bonuses',
      defined([
        ['signup', read.int(form.bonuses.signup, 'bonuses.signup')],
        ['referrer', read.int(form.bonuses.referrer, 'bonuses.referrer')],
        ['referee', read.int(form.bonuses.referee, 'bonuses.referee')],
        ['birthday', read.int(form.bonuses.birthday, 'bonuses.birthday')],
        ['anniversary', read.int(form.bonuses.anniversary, 'bonuses.anniversary', true)],
        [
          'spendThreshold',
          form.bonuses.threshold
            ? defined([
                ['amount', read.money(form.bonuses.thresholdAmount, 'bonuses.spendThreshold.amount')],
                ['points', read.int(form.bonuses.thresholdPoints, 'bonuses.spendThreshold.points')],
              ])
            : undefined,
        ],
      ]),
    ],
    ['cashback', { holdDays: read.int(form.cashbackHoldDays, 'cashback.holdDays') ?? 0 }],
    ['expiry', expiry],
    ['expectedLifespanYears', read.decimal(form.expectedLifespanYears, 'expectedLifespanYears', true)],
  ]);
  const rest: Rules = {};
  for (const [key, value] of Object.entries(base))
    if (!(key in known) && !READ_ONLY.includes(key) && !FORM_KEYS.has(key)) rest[key] = value;
  return { rules: { ...known, ...rest }, errors: read.errors };
}

/** The top-level fields the form owns: one it leaves empty is removed, not kept from the base. */
const FORM_KEYS = new Set([
  'currency',
  'timezone',
  'earn',
  'tiers',
  'promotions',
  'rules',
  'bonuses',
  'cashback',
  'expiry',
  'expectedLifespanYears',
]);

export const emptyTier = (): TierForm => ({
  id: '',
  name: '',
  minSpend: '',
  multiplier: '1',
  cashbackPercent: '0',
  discountPercent: '0',
});

export const emptyPromotion = (): PromotionForm => ({
  id: '',
  name: '',
  startsAt: '',
  endsAt: '',
  multiplier: '',
  bonusPoints: '',
});

export const emptyRule = (): RuleForm => ({
  id: '',
  name: '',
  priority: '',
  exclusive: false,
  startsAt: '',
  endsAt: '',
  effectType: 'bonus',
  effectValue: '',
  skus: '',
  categories: '',
  channels: '',
  stores: '',
  daysOfWeek: [],
  timeFrom: '',
  timeTo: '',
  firstPurchase: false,
  tiers: [],
  minAmount: '',
  minQuantity: '',
  limitCount: '',
  limitPeriod: '',
  budgetPoints: '',
  kept: { lines: {}, when: {}, limits: {} },
});

/**
 * Every leaf of a program with its path, in document order; a Money is one leaf. What a
 * version diff compares, so that a field moved in the JSON is not a change.
 */
export function leaves(value: JsonValue, path = ''): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const walk = (v: JsonValue, at: string) => {
    const isMoney =
      v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.value === 'number' && 'currency' in v;
    if (v !== null && typeof v === 'object' && !isMoney) {
      const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v);
      // An empty list or object is no field: "no promotions" and "promotions: []" read the same.
      for (const [key, child] of entries)
        if (!(at === '' && READ_ONLY.includes(key))) walk(child, at ? `${at}.${key}` : key);
    } else out.set(at, v);
  };
  walk(value, path);
  return out;
}

/** The paths whose values differ between two versions (absent on one side = undefined there). */
export function diffPrograms(a: JsonValue, b: JsonValue): { path: string; before?: JsonValue; after?: JsonValue }[] {
  const left = leaves(a);
  const right = leaves(b);
  const paths = [...new Set([...left.keys(), ...right.keys()])];
  return paths
    .filter((path) => JSON.stringify(left.get(path)) !== JSON.stringify(right.get(path)))
    .map((path) => ({ path, before: left.get(path), after: right.get(path) }));
}

/** The paths of a rule's condition inputs, under `rules.<i>.`: where a server's error about them is shown. */
export const RULE_CONDITION_FIELDS = [
  'lines.skus',
  'lines.categories',
  'when.channels',
  'when.stores',
  'when.daysOfWeek',
  'when.localTime.from',
  'when.localTime.to',
  'when.firstPurchase',
  'when.tiers',
  'when.minAmount.value',
  'when.minQuantity',
  'limits.perMember.count',
  'limits.perMember.period',
  'limits.budgetPoints',
];

/**
 * A rule's errors moved to the input that edits them: one about an item of a list
 * (`when.tiers.1`) goes to the list, one about a whole object (`when.localTime`,
 * `when.minAmount.currency`) to its first input. What no input edits (`when.segments.0`, an
 * unknown key) is returned apart, to be shown on the rule as it is.
 */
export function ruleConditionErrors(
  errors: Map<string, string>,
  at: string,
): { byField: Map<string, string>; other: [string, string][] } {
  const byField = new Map<string, string>();
  const other: [string, string][] = [];
  for (const [path, message] of errors) {
    if (!/^(lines|when|limits)(\.|$)/.test(path.slice(at.length + 1)) || !path.startsWith(`${at}.`)) continue;
    const rest = path.slice(at.length + 1);
    let field = RULE_CONDITION_FIELDS.find((f) => rest === f || rest.startsWith(`${f}.`));
    for (let parts = rest.split('.'); !field && parts.length >= 2; parts = parts.slice(0, -1)) {
      const prefix = parts.join('.');
      field = RULE_CONDITION_FIELDS.find((f) => f.startsWith(`${prefix}.`));
    }
    if (!field) {
      other.push([rest, message]);
      continue;
    }
    const key = `${at}.${field}`;
    byField.set(key, byField.has(key) ? `${byField.get(key)}; ${message}` : message);
  }
  return { byField, other };
}

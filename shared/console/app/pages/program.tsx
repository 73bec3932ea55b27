import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, call } from '../api';
import { Field, ProblemAlert, useLoad } from '../components';
import { formatTime } from '../format';
import {
  emptyPromotion,
  emptyRule,
  emptyTier,
  fromForm,
  ruleConditionErrors,
  RULE_PERIODS,
  toForm,
  type EffectType,
  type ProgramForm,
  type PromotionForm,
  type RuleForm,
  type Rules,
  type TierForm,
} from '../program-form';
import type { Program } from '../types';
import { ProgramVersions } from './program-versions';
import { TryOnHistory } from './program-simulation';

export const fieldId = (path: string) => `program-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** The default program of a deployment that was never saved carries the epoch as its time. */
const NEVER_SAVED = '1970-01-01T00:00:00.000Z';

type Errors = Map<string, string>;

/** A text input at an API path: its label, its help and the error the client or the server found there. */
function Input(props: {
  path: string;
  label: string;
  hint?: string;
  value: string;
  errors: Errors;
  onInput: (value: string) => void;
  type?: 'text' | 'datetime-local';
  decimal?: boolean;
}) {
  return (
    <Field id={fieldId(props.path)} label={props.label} hint={props.hint} error={props.errors.get(props.path)}>
      {(a) =>
        props.type === 'datetime-local' ? (
          <input
            {...a}
            type="datetime-local"
            step="1"
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        ) : (
          <input
            {...a}
            type="text"
            inputMode={props.decimal ? 'decimal' : undefined}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

/** A fieldset whose own error (one not about a single input, e.g. "needs a multiplier or a bonus") shows in it. */
function Group(props: { path: string; legend: string; errors: Errors; children: ComponentChildren; class?: string }) {
  const error = props.errors.get(props.path);
  return (
    <fieldset id={fieldId(props.path)} class={`${props.class ?? ''}${error ? ' field-invalid' : ''}`}>
      <legend>{props.legend}</legend>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {props.children}
    </fieldset>
  );
}

/** A list of the program (tiers, promotions, rules): each item's fields, add and remove. */
function ListGroup<T>(props: {
  path: string;
  legend: string;
  hint: string;
  empty: string;
  add: string;
  errors: Errors;
  items: T[];
  make: () => T;
  onItems: (items: T[]) => void;
  render: (item: T, index: number, onChange: (item: T) => void, onRemove: () => void) => ComponentChildren;
}) {
  const { items, onItems } = props;
  return (
    <Group path={props.path} legend={props.legend} errors={props.errors}>
      <p class="hint">{props.hint}</p>
      {items.length === 0 && <p>{props.empty}</p>}
      {items.map((item, index) => (
        <Fragment key={index}>
          {props.render(
            item,
            index,
            (changed) => onItems(items.map((existing, i) => (i === index ? changed : existing))),
            () => onItems(items.filter((_, i) => i !== index)),
          )}
        </Fragment>
      ))}
      <button type="button" class="secondary" onClick={() => onItems([...items, props.make()])}>
        {props.add}
      </button>
    </Group>
  );
}

function TierFields(props: {
  tier: TierForm;
  index: number;
  currency: string;
  errors: Errors;
  onChange: (tier: TierForm) => void;
  onRemove: () => void;
}) {
  const { tier, index, errors } = props;
  const at = `tiers.${index}`;
  const set = (key: keyof TierForm) => (value: string) => props.onChange({ ...tier, [key]: value });
  const title = tier.name || `Tier ${index + 1}`;
  return (
    <Group path={at} legend={title} errors={errors} class="array-item">
      <div class="grid-form">
        <Input
          path={`${at}.id`}
          label="Id"
          hint="a-z, 0-9 and -; members and rules refer to it"
          value={tier.id}
          errors={errors}
          onInput={set('id')}
        />
        <Input
          path={`${at}.name`}
          label="Name"
          hint="What members see"
          value={tier.name}
          errors={errors}
          onInput={set('name')}
        />
        <Input
          path={`${at}.minQualifyingSpend.value`}
          label={`Minimum qualifying spend (${props.currency})`}
          hint="Spend over a rolling 12 months, net of refunds; the first tier starts at 0 and each next one is higher"
          decimal
          value={tier.minSpend}
          errors={errors}
          onInput={set('minSpend')}
        />
        <Input
          path={`${at}.pointsMultiplier`}
          label="Points multiplier"
          hint="1.25 = 25 % more points than the base; never below the tier before"
          decimal
          value={tier.multiplier}
          errors={errors}
          onInput={set('multiplier')}
        />
        <Input
          path={`${at}.cashbackRate`}
          label="Cashback (%)"
          hint="Of each purchase, credited as pending cashback"
          decimal
          value={tier.cashbackPercent}
          errors={errors}
          onInput={set('cashbackPercent')}
        />
        <Input
          path={`${at}.discountRate`}
          label="Member discount (%)"
          hint="The tier's special price, shown on the member"
          decimal
          value={tier.discountPercent}
          errors={errors}
          onInput={set('discountPercent')}
        />
      </div>
      <button type="button" class="secondary" onClick={props.onRemove}>
        Remove tier {title}
      </button>
    </Group>
  );
}

function PromotionFields(props: {
  promotion: PromotionForm;
  index: number;
  errors: Errors;
  onChange: (promotion: PromotionForm) => void;
  onRemove: () => void;
}) {
  const { promotion, index, errors } = props;
  const at = `promotions.${index}`;
  const set = (key: keyof PromotionForm) => (value: string) => props.onChange({ ...promotion, [key]: value });
  const title = promotion.name || `Promotion ${index + 1}`;
  return (
    <Group path={at} legend={title} errors={errors} class="array-item">
      <div class="grid-form">
        <Input
          path={`${at}.id`}
          label="Id"
          hint="Shown in each purchase's breakdown as promotion:<id>"
          value={promotion.id}
          errors={errors}
          onInput={set('id')}
        />
        <Input path={`${at}.name`} label="Name" value={promotion.name} errors={errors} onInput={set('name')} />
        <Input
          path={`${at}.startsAt`}
          label="Starts (UTC)"
          hint="Purchases from this instant count (by when they happened, not when the till sent them)"
          type="datetime-local"
          value={promotion.startsAt}
          errors={errors}
          onInput={set('startsAt')}
        />
        <Input
          path={`${at}.endsAt`}
          label="Ends (UTC)"
          hint="Purchases before this instant count"
          type="datetime-local"
          value={promotion.endsAt}
          errors={errors}
          onInput={set('endsAt')}
        />
        <Input
          path={`${at}.pointsMultiplier`}
          label="Points multiplier (optional)"
          hint="2 = double base points; adds to the tier's, never compounds"
          decimal
          value={promotion.multiplier}
          errors={errors}
          onInput={set('multiplier')}
        />
        <Input
          path={`${at}.bonusPoints`}
          label="Bonus points per purchase (optional)"
          value={promotion.bonusPoints}
          errors={errors}
          onInput={set('bonusPoints')}
        />
      </div>
      <button type="button" class="secondary" onClick={props.onRemove}>
        Remove promotion {title}
      </button>
    </Group>
  );
}

const EFFECTS: { type: EffectType; label: string; value: string }[] = [
  { type: 'bonus', label: 'Bonus points once per order', value: 'Points' },
  { type: 'multiplier', label: 'Multiply the base points of its lines', value: 'Factor (1.01–10)' },
  { type: 'pointsPerUnit', label: 'Points per unit of its lines', value: 'Points per unit' },
  { type: 'reward', label: 'A reward for free (a code)', value: 'Reward id' },
];

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Checkboxes of a list condition (days, tiers): checking one adds its value, in the options' order. */
function Checks<T extends string | number>(props: {
  path: string;
  legend: string;
  options: { value: T; label: string }[];
  checked: T[];
  errors: Errors;
  onChange: (checked: T[]) => void;
}) {
  return (
    <Group path={props.path} legend={props.legend} errors={props.errors} class="checks">
      {props.options.map((option) => {
        const id = fieldId(`${props.path}.${option.value}`);
        return (
          <span class="field-check" key={option.value}>
            <input
              type="checkbox"
              id={id}
              checked={props.checked.includes(option.value)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                props.onChange(
                  props.options
                    .map((o) => o.value)
                    .filter((v) => (v === option.value ? on : props.checked.includes(v))),
                );
              }}
            />
            <label for={id}>{option.label}</label>
          </span>
        );
      })}
    </Group>
  );
}

/** A rule's lines, conditions and limits; what the form has no input for is listed, kept as it is. */
function RuleConditions(props: {
  rule: RuleForm;
  at: string;
  currency: string;
  tierIds: string[];
  errors: Errors;
  other: [string, string][];
  onChange: (rule: RuleForm) => void;
}) {
  const { rule, at, errors } = props;
  const set = (key: keyof RuleForm) => (value: string) => props.onChange({ ...rule, [key]: value });
  const kept = Object.entries(rule.kept).filter(([, value]) => Object.keys(value).length > 0);
  // A tier the rule names but the program no longer has stays checkable, so that its error shows.
  const tiers = [...new Set([...props.tierIds.filter((id) => id !== ''), ...rule.tiers])];
  return (
    <>
      <div class="grid-form">
        <Input
          path={`${at}.lines.skus`}
          label="Only these SKUs (comma-separated, optional)"
          hint="With categories: a line matching either counts; none: every eligible line"
          value={rule.skus}
          errors={errors}
          onInput={set('skus')}
        />
        <Input
          path={`${at}.lines.categories`}
          label="Only these categories (comma-separated, optional)"
          value={rule.categories}
          errors={errors}
          onInput={set('categories')}
        />
        <Input
          path={`${at}.when.channels`}
          label="Channels (comma-separated, optional)"
          hint="pos, web, app, …"
          value={rule.channels}
          errors={errors}
          onInput={set('channels')}
        />
        <Input
          path={`${at}.when.stores`}
          label="Stores (comma-separated, optional)"
          value={rule.stores}
          errors={errors}
          onInput={set('stores')}
        />
        <Input
          path={`${at}.when.localTime.from`}
          label="From (HH:MM, optional)"
          hint="Local time in the program's time zone, included"
          value={rule.timeFrom}
          errors={errors}
          onInput={set('timeFrom')}
        />
        <Input
          path={`${at}.when.localTime.to`}
          label="To (HH:MM)"
          hint="Excluded; after From"
          value={rule.timeTo}
          errors={errors}
          onInput={set('timeTo')}
        />
        <Input
          path={`${at}.when.minAmount.value`}
          label={`Minimum amount (${props.currency}, optional)`}
          hint="Of the rule's lines (of the eligible amount when it names none)"
          decimal
          value={rule.minAmount}
          errors={errors}
          onInput={set('minAmount')}
        />
        <Input
          path={`${at}.when.minQuantity`}
          label="Minimum quantity (optional)"
          hint="Units of the rule's lines"
          value={rule.minQuantity}
          errors={errors}
          onInput={set('minQuantity')}
        />
        <Input
          path={`${at}.limits.perMember.count`}
          label="At most per member (optional)"
          hint="Times the rule applies to one member in each period"
          value={rule.limitCount}
          errors={errors}
          onInput={set('limitCount')}
        />
        <Field
          id={fieldId(`${at}.limits.perMember.period`)}
          label="Per"
          error={errors.get(`${at}.limits.perMember.period`)}
        >
          {(a) => (
            <select {...a} value={rule.limitPeriod} onChange={(e) => set('limitPeriod')(e.currentTarget.value)}>
              <option value="">(no limit)</option>
              {RULE_PERIODS.map((period) => (
                <option key={period} value={period}>
                  {period === 'lifetime' ? 'ever' : `calendar ${period}`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Input
          path={`${at}.limits.budgetPoints`}
          label="Budget (points in all, optional)"
          hint="The rule gives no more than this, ever"
          value={rule.budgetPoints}
          errors={errors}
          onInput={set('budgetPoints')}
        />
      </div>
      <Checks
        path={`${at}.when.daysOfWeek`}
        legend="On these days only (optional, program time zone)"
        options={DAYS.map((label, i) => ({ value: i + 1, label }))}
        checked={rule.daysOfWeek}
        errors={errors}
        onChange={(daysOfWeek) => props.onChange({ ...rule, daysOfWeek })}
      />
      {tiers.length > 0 && (
        <Checks
          path={`${at}.when.tiers`}
          legend="For these tiers only (optional)"
          options={tiers.map((id) => ({ value: id, label: id }))}
          checked={rule.tiers}
          errors={errors}
          onChange={(checked) => props.onChange({ ...rule, tiers: checked })}
        />
      )}
      <div class="field field-check">
        <input
          type="checkbox"
          id={fieldId(`${at}.when.firstPurchase`)}
          checked={rule.firstPurchase}
          onChange={(e) => props.onChange({ ...rule, firstPurchase: e.currentTarget.checked })}
        />
        <label for={fieldId(`${at}.when.firstPurchase`)}>On a member's first purchase only</label>
      </div>
      {kept.length > 0 && (
        <p class="hint">
          Kept as they are (edit them in the JSON view):{' '}
          {kept.map(([section, value]) => `${section} ${JSON.stringify(value)}`).join('; ')}
        </p>
      )}
      {props.other.length > 0 && (
        <p class="field-error" role="alert">
          {props.other.map(([path, message]) => `${path}: ${message}`).join('; ')}
        </p>
      )}
    </>
  );
}

function RuleFields(props: {
  rule: RuleForm;
  index: number;
  currency: string;
  tierIds: string[];
  errors: Errors;
  onChange: (rule: RuleForm) => void;
  onRemove: () => void;
}) {
  const { rule, index, errors } = props;
  const at = `rules.${index}`;
  const set = (key: keyof RuleForm) => (value: string) => props.onChange({ ...rule, [key]: value });
  const title = rule.name || `Rule ${index + 1}`;
  const effectLabel = (EFFECTS.find((e) => e.type === rule.effectType) ?? EFFECTS[0])?.value ?? 'Value';
  const effectPath = `${at}.effect.${rule.effectType === 'multiplier' ? 'factor' : rule.effectType === 'reward' ? 'rewardId' : 'points'}`;
  const conditionErrors = ruleConditionErrors(errors, at);
  const fieldErrors: Errors = new Map([...errors, ...conditionErrors.byField]);
  return (
    <Group path={at} legend={title} errors={errors} class="array-item">
      <div class="grid-form">
        <Input
          path={`${at}.id`}
          label="Id"
          hint="Shown in each purchase's breakdown as rule:<id>"
          value={rule.id}
          errors={errors}
          onInput={set('id')}
        />
        <Input path={`${at}.name`} label="Name" value={rule.name} errors={errors} onInput={set('name')} />
        <Input
          path={`${at}.priority`}
          label="Priority (optional)"
          hint="-1000 to 1000, higher first (default 0)"
          value={rule.priority}
          errors={errors}
          onInput={set('priority')}
        />
        <Input
          path={`${at}.startsAt`}
          label="Starts (UTC, optional)"
          type="datetime-local"
          value={rule.startsAt}
          errors={errors}
          onInput={set('startsAt')}
        />
        <Input
          path={`${at}.endsAt`}
          label="Ends (UTC, optional)"
          type="datetime-local"
          value={rule.endsAt}
          errors={errors}
          onInput={set('endsAt')}
        />
        <Field
          id={fieldId(`${at}.effect.type`)}
          label="Effect"
          error={errors.get(`${at}.effect.type`) ?? errors.get(`${at}.effect`)}
        >
          {(a) => (
            <select {...a} value={rule.effectType} onChange={(e) => set('effectType')(e.currentTarget.value)}>
              {EFFECTS.map((e) => (
                <option key={e.type} value={e.type}>
                  {e.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Input
          path={effectPath}
          label={effectLabel}
          value={rule.effectValue}
          errors={errors}
          onInput={set('effectValue')}
        />
      </div>
      <div class="field field-check">
        <input
          type="checkbox"
          id={fieldId(`${at}.exclusive`)}
          checked={rule.exclusive}
          onChange={(e) => props.onChange({ ...rule, exclusive: e.currentTarget.checked })}
        />
        <label for={fieldId(`${at}.exclusive`)}>Exclusive: lower rules do not count its lines again</label>
      </div>
      <RuleConditions
        rule={rule}
        at={at}
        currency={props.currency}
        tierIds={props.tierIds}
        errors={fieldErrors}
        other={conditionErrors.other}
        onChange={props.onChange}
      />
      <button type="button" class="secondary" onClick={props.onRemove}>
        Remove rule {title}
      </button>
    </Group>
  );
}

/** The program's every field as a form: sections in a fixed order, so a save never moves a field. */
function ProgramFields({
  form,
  errors,
  onChange,
}: {
  form: ProgramForm;
  errors: Errors;
  onChange: (form: ProgramForm) => void;
}) {
  const currency = form.currency.trim().toUpperCase() || 'EUR';
  const bonus = (key: keyof ProgramForm['bonuses']) => (value: string) =>
    onChange({ ...form, bonuses: { ...form.bonuses, [key]: value } });
  const expiry = (key: keyof ProgramForm['expiry']) => (value: string) =>
    onChange({ ...form, expiry: { ...form.expiry, [key]: value } });
  return (
    <>
      <Group path="" legend="General" errors={new Map()}>
        <div class="grid-form">
          <Input
            path="currency"
            label="Currency"
            hint="ISO 4217 code; every amount of the program is in it"
            value={form.currency}
            errors={errors}
            onInput={(currency) => onChange({ ...form, currency })}
          />
          <Input
            path="timezone"
            label="Time zone (optional)"
            hint="IANA name such as Europe/Paris, for rule hours, days and anniversaries (default UTC)"
            value={form.timezone}
            errors={errors}
            onInput={(timezone) => onChange({ ...form, timezone })}
          />
          <Input
            path="expectedLifespanYears"
            label="Expected member lifespan in years (optional)"
            hint="Used as t in customer lifetime value; empty: measured from members with two purchases or more"
            decimal
            value={form.expectedLifespanYears}
            errors={errors}
            onInput={(expectedLifespanYears) => onChange({ ...form, expectedLifespanYears })}
          />
        </div>
      </Group>
      <Group path="earn" legend="Earning" errors={errors}>
        <div class="grid-form">
          <Input
            path="earn.pointsPerUnit"
            label={`Points per 1 ${currency}`}
            hint="Base points of a purchase, rounded down"
            value={form.pointsPerUnit}
            errors={errors}
            onInput={(pointsPerUnit) => onChange({ ...form, pointsPerUnit })}
          />
          <Input
            path="earn.holdDays"
            label="Points pending for (days, optional)"
            hint="The return window: points of a purchase cannot be spent until this many days after it (default 0)"
            value={form.earnHoldDays}
            errors={errors}
            onInput={(earnHoldDays) => onChange({ ...form, earnHoldDays })}
          />
          <Input
            path="cashback.holdDays"
            label="Cashback pending for (days)"
            hint="Pending cashback becomes available after this many days"
            value={form.cashbackHoldDays}
            errors={errors}
            onInput={(cashbackHoldDays) => onChange({ ...form, cashbackHoldDays })}
          />
        </div>
      </Group>
      <ListGroup
        path="tiers"
        legend="Tiers"
        hint="From the lowest to the highest; a member holds the highest tier whose minimum their spend reaches."
        empty="No tier: a program needs one at least."
        add="Add a tier"
        errors={errors}
        items={form.tiers}
        make={emptyTier}
        onItems={(tiers) => onChange({ ...form, tiers })}
        render={(tier, i, change, remove) => (
          <TierFields tier={tier} index={i} currency={currency} errors={errors} onChange={change} onRemove={remove} />
        )}
      />
      <ListGroup
        path="promotions"
        legend="Promotions"
        hint="Each adds to the purchases made in its window: a multiplier of the base points, bonus points, or both."
        empty="No promotion."
        add="Add a promotion"
        errors={errors}
        items={form.promotions}
        make={emptyPromotion}
        onItems={(promotions) => onChange({ ...form, promotions })}
        render={(promotion, i, change, remove) => (
          <PromotionFields promotion={promotion} index={i} errors={errors} onChange={change} onRemove={remove} />
        )}
      />
      <ListGroup
        path="rules"
        legend="Basket rules"
        hint="Rules on the purchase's lines, channel, store or hour, applied by priority; each one is a line of the purchase's breakdown."
        empty="No basket rule."
        add="Add a basket rule"
        errors={errors}
        items={form.rules}
        make={emptyRule}
        onItems={(rules) => onChange({ ...form, rules })}
        render={(rule, i, change, remove) => (
          <RuleFields
            rule={rule}
            index={i}
            currency={currency}
            tierIds={form.tiers.map((tier) => tier.id.trim())}
            errors={errors}
            onChange={change}
            onRemove={remove}
          />
        )}
      />
      <Group path="bonuses" legend="Bonuses (points)" errors={errors}>
        <div class="grid-form">
          <Input
            path="bonuses.signup"
            label="On enrolment"
            value={form.bonuses.signup}
            errors={errors}
            onInput={bonus('signup')}
          />
          <Input
            path="bonuses.referrer"
            label="To the referrer"
            hint="When a member they referred enrols with their code"
            value={form.bonuses.referrer}
            errors={errors}
            onInput={bonus('referrer')}
          />
          <Input
            path="bonuses.referee"
            label="To the referred member"
            value={form.bonuses.referee}
            errors={errors}
            onInput={bonus('referee')}
          />
          <Input
            path="bonuses.birthday"
            label="Birthday"
            hint="Once a year, on the first purchase in the 7 days from the birthday"
            value={form.bonuses.birthday}
            errors={errors}
            onInput={bonus('birthday')}
          />
          <Input
            path="bonuses.anniversary"
            label="Enrolment anniversary (optional)"
            hint="Each year on the enrolment date, without a purchase (default 0)"
            value={form.bonuses.anniversary}
            errors={errors}
            onInput={bonus('anniversary')}
          />
        </div>
        <div class="field field-check">
          <input
            type="checkbox"
            id={fieldId('bonuses.spendThreshold')}
            checked={form.bonuses.threshold}
            onChange={(e) => onChange({ ...form, bonuses: { ...form.bonuses, threshold: e.currentTarget.checked } })}
          />
          <label for={fieldId('bonuses.spendThreshold')}>Bonus for a large purchase</label>
        </div>
        {form.bonuses.threshold && (
          <div class="grid-form">
            <Input
              path="bonuses.spendThreshold.amount.value"
              label={`Purchase of at least (${currency})`}
              decimal
              value={form.bonuses.thresholdAmount}
              errors={errors}
              onInput={bonus('thresholdAmount')}
            />
            <Input
              path="bonuses.spendThreshold.points"
              label="Earns this many points more"
              value={form.bonuses.thresholdPoints}
              errors={errors}
              onInput={bonus('thresholdPoints')}
            />
          </div>
        )}
      </Group>
      <Group path="expiry" legend="Points expiry" errors={errors}>
        <Field id={fieldId('expiry.mode')} label="Points expire">
          {(a) => (
            <select {...a} value={form.expiry.mode} onChange={(e) => expiry('mode')(e.currentTarget.value)}>
              <option value="none">Never</option>
              <option value="inactivity">All of them, after months without a purchase</option>
              <option value="lots">Each credit, some months after it became available</option>
            </select>
          )}
        </Field>
        <div class="grid-form">
          {form.expiry.mode === 'inactivity' && (
            <Input
              path="expiry.inactivityMonths"
              label="Months without a purchase"
              value={form.expiry.inactivityMonths}
              errors={errors}
              onInput={expiry('inactivityMonths')}
            />
          )}
          {form.expiry.mode === 'lots' && (
            <>
              <Input
                path="expiry.afterMonths"
                label="Months after the credit"
                value={form.expiry.afterMonths}
                errors={errors}
                onInput={expiry('afterMonths')}
              />
              <Field id={fieldId('expiry.roundTo')} label="At the end of" error={errors.get('expiry.roundTo')}>
                {(a) => (
                  <select {...a} value={form.expiry.roundTo} onChange={(e) => expiry('roundTo')(e.currentTarget.value)}>
                    <option value="">that day (default)</option>
                    <option value="day">that day</option>
                    <option value="month">that month</option>
                  </select>
                )}
              </Field>
            </>
          )}
          {form.expiry.mode !== 'none' && (
            <Input
              path="expiry.remindDays"
              label="Remind members (days before, optional)"
              hint="A points.expiring event this many days before (default 30)"
              value={form.expiry.remindDays}
              errors={errors}
              onInput={expiry('remindDays')}
            />
          )}
        </div>
      </Group>
    </>
  );
}

/** An error's element: its input, or the nearest fieldset of its path that is on the page. */
function focusError(path: string) {
  let at = path.split('.');
  while (at.length > 0) {
    const element = document.getElementById(fieldId(at.join('.')));
    if (element) return element.focus();
    at = at.slice(0, -1);
  }
}

export function ProgramPage() {
  const [loadCount, setLoadCount] = useState(0);
  const loaded = useLoad(async () => {
    const { body, headers } = await call<Program>('GET', '/v1/admin/program');
    return { program: body, etag: headers.get('ETag') ?? `"${body.version}"` };
  }, [loadCount]);
  const [form, setForm] = useState<ProgramForm>();
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [localErrors, setLocalErrors] = useState<Errors>(new Map());
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    if (loaded.data) setForm(toForm(loaded.data.program));
  }, [loaded.data]);

  const base = (loaded.data?.program ?? {}) as Rules;
  const serverErrors = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const errors = localErrors.size > 0 ? localErrors : serverErrors;

  const put = async (body: Rules, message: (version: number) => string) => {
    if (!loaded.data) return;
    try {
      const { body: program } = await call<Program>('PUT', '/v1/admin/program', {
        body,
        headers: { 'If-Match': loaded.data.etag },
      });
      setSaved(
        program.version === loaded.data.program.version ? 'No change: nothing saved.' : message(program.version),
      );
      setLoadCount((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    setLocalErrors(new Map());
    if (!form) return;
    let body: Rules;
    if (mode === 'json') {
      try {
        body = JSON.parse(jsonText) as Rules;
      } catch (e) {
        setLocalErrors(new Map([['json', `Not valid JSON: ${(e as Error).message}`]]));
        return;
      }
      setForm(toForm(body));
    } else {
      const read = fromForm(form, base);
      if (read.errors.size > 0) return setLocalErrors(read.errors);
      body = read.rules;
    }
    await put(body, (version) => `Saved as version ${version}.`);
  };

  const current = loaded.data?.program;
  return (
    <section aria-labelledby="program-title">
      <h1 id="program-title">Program</h1>
      <ProblemAlert error={loaded.error} />
      {current && (
        <p class="muted">
          {current.updatedAt === NEVER_SAVED
            ? `Version ${current.version}: the deployment's default program, never saved since.`
            : `Version ${current.version}, saved ${formatTime(current.updatedAt)}.`}
        </p>
      )}
      {errors.size > 0 && (
        <div class="alert alert-error" role="alert" aria-labelledby="program-errors-title">
          <strong id="program-errors-title">The program was not saved: {errors.size} field(s) to fix</strong>
          <ul>
            {[...errors].map(([path, message]) => (
              <li key={path}>
                <a
                  href="#/program"
                  onClick={(e) => {
                    e.preventDefault();
                    focusError(path);
                  }}
                >
                  {path}
                </a>
                : {message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error !== undefined && serverErrors.size === 0 && (
        <ProblemAlert
          error={
            error instanceof ApiProblem && (error.status === 412 || error.status === 409)
              ? new Error('The program changed since you opened it. Reload to see the new version, then edit again.')
              : error
          }
        />
      )}
      {saved && <p role="status">{saved}</p>}
      <div role="group" aria-label="Editor" class="toggle">
        <button
          type="button"
          aria-pressed={mode === 'form'}
          onClick={() => {
            if (mode === 'form') return;
            try {
              setForm(toForm(JSON.parse(jsonText) as Rules));
              setLocalErrors(new Map());
              setMode('form');
            } catch (e) {
              setLocalErrors(new Map([['json', `Not valid JSON: ${(e as Error).message}`]]));
            }
          }}
        >
          Form
        </button>
        <button
          type="button"
          aria-pressed={mode === 'json'}
          onClick={() => {
            if (form) setJsonText(JSON.stringify(fromForm(form, base).rules, null, 2));
            setMode('json');
          }}
        >
          JSON
        </button>
      </div>
      {form && (
        <form onSubmit={(e) => void save(e)} class="program-form" noValidate>
          {mode === 'form' ? (
            <ProgramFields form={form} errors={errors} onChange={setForm} />
          ) : (
            <Field id={fieldId('json')} label="The program as JSON" error={errors.get('json')}>
              {(a) => (
                <textarea
                  {...a}
                  rows={24}
                  spellcheck={false}
                  value={jsonText}
                  onInput={(e) => setJsonText(e.currentTarget.value)}
                />
              )}
            </Field>
          )}
          <div class="form-actions">
            <button type="submit">Save program</button>
            <TryOnHistory
              draft={() => {
                if (!form) return undefined;
                if (mode === 'json') return JSON.parse(jsonText) as Rules;
                const read = fromForm(form, base);
                setLocalErrors(read.errors);
                return read.errors.size > 0 ? undefined : read.rules;
              }}
            />
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setError(undefined);
                setLocalErrors(new Map());
                setLoadCount((n) => n + 1);
              }}
            >
              Discard changes
            </button>
          </div>
        </form>
      )}
      {current && loaded.data && (
        <ProgramVersions
          latest={current.version}
          onRestore={(rules, version) => {
            setError(undefined);
            setSaved(undefined);
            return put(rules, (saved) => `Restored version ${version} as version ${saved}.`);
          }}
        />
      )}
    </section>
  );
}

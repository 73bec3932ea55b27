import type { Rule } from '@shared/schemas/rules';
import type { AppliedRule } from './basket-rules';
import { periodKey, PERIOD_MAX_DAYS } from './local-time';
import type { MemberState } from './member';
import { MAX_LATE_DAYS } from './order';
import { DAY_MS } from './time';

/**
 * Per-member rule limits live on the member item (`ruleUses`: rule id → calendar period →
 * applications), so an earn checks and counts them in the write it makes anyway: no extra
 * round trip, and the member's version condition keeps two concurrent earns from both taking
 * the last application. A period's count is kept while a purchase could still fall in it (a
 * till may report up to 90 days late), so the map stays small.
 */
export type RuleUses = Record<string, Record<string, number>>;

/** The calendar period of a purchase that a rule's per-member limit counts in ("" without a limit). */
export function rulePeriod(rule: Rule, occurredAt: string, timeZone: string): string {
  const limit = rule.limits?.perMember;
  return limit ? periodKey(limit.period, occurredAt, timeZone) : '';
}

/** Whether the member may still get the rule on a purchase at `occurredAt`. */
export function ruleAllowed(uses: RuleUses | undefined, rule: Rule, occurredAt: string, timeZone: string): boolean {
  const limit = rule.limits?.perMember;
  if (!limit) return true;
  const used = uses?.[rule.id]?.[rulePeriod(rule, occurredAt, timeZone)] ?? 0;
  return used < limit.count;
}

function stillNeeded(rule: Rule | undefined, period: string, now: Date): boolean {
  const limit = rule?.limits?.perMember;
  if (!limit) return false;
  if (limit.period === 'lifetime') return true;
  const end = Date.parse(`${period}T00:00:00.000Z`) + (PERIOD_MAX_DAYS[limit.period] + 1) * DAY_MS;
  return end >= now.getTime() - MAX_LATE_DAYS * DAY_MS;
}

/**
 * The member with one more application of each applied rule that has a per-member limit,
 * and without counts no purchase can reach any more (periods long past, rules the program
 * no longer limits).
 */
export function countRuleUses(
  member: MemberState,
  rules: readonly Rule[],
  applied: AppliedRule[],
  occurredAt: string,
  timeZone: string,
  now: Date,
): MemberState {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const next: RuleUses = {};
  for (const [ruleId, periods] of Object.entries(member.ruleUses ?? {})) {
    const kept = Object.entries(periods).filter(([period]) => stillNeeded(byId.get(ruleId), period, now));
    if (kept.length > 0) next[ruleId] = Object.fromEntries(kept);
  }
  let counted = false;
  for (const { rule } of applied) {
    if (!rule.limits?.perMember) continue;
    const period = rulePeriod(rule, occurredAt, timeZone);
    next[rule.id] = { ...next[rule.id], [period]: (next[rule.id]?.[period] ?? 0) + 1 };
    counted = true;
  }
  if (!counted && member.ruleUses === undefined) return member;
  const { ruleUses: _old, ...rest } = member;
  return Object.keys(next).length > 0 ? { ...rest, ruleUses: next } : rest;
}

/** A refund undid a whole application: the rule's count for that period goes back down. */
export function uncountRuleUse(member: MemberState, ruleId: string, period: string): MemberState {
  const used = member.ruleUses?.[ruleId]?.[period];
  if (used === undefined) return member;
  const periods = { ...member.ruleUses?.[ruleId] };
  if (used <= 1) delete periods[period];
  else periods[period] = used - 1;
  const uses: RuleUses = { ...member.ruleUses };
  if (Object.keys(periods).length === 0) delete uses[ruleId];
  else uses[ruleId] = periods;
  const { ruleUses: _old, ...rest } = member;
  return Object.keys(uses).length > 0 ? { ...rest, ruleUses: uses } : rest;
}

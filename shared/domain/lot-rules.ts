/**
 * The program settings of the points lifecycle, resolved to their defaults, and their validation.
 *
 * Every setting is optional and its default keeps the v1.0 behaviour: `earn.holdDays` 0 (points
 * are available at once), no lot expiry, reminders 30 days ahead. The schema (shared/schemas/program.ts)
 * checks each field's range; the rules between fields live here so they carry the field path.
 *
 * Changing the program applies to credits made after the change: a lot's `availableAt` and
 * `expiresAt` are computed once, when it is credited, from the program in force then, and are
 * stored on the lot. Switching expiry mode, `afterMonths`, `roundTo` or `holdDays` never moves an
 * existing lot's dates; a lot credited without an expiry date keeps none. The one exception is the
 * inactivity mode, which is not a date of the lot but of the member: while it is the program's
 * mode, an inactive member's open lots all expire at once, whatever their own dates.
 */
import type { FieldError } from './errors';

export const DEFAULT_REMIND_DAYS = 30;

export type RoundTo = 'day' | 'month';

/** The expiry part of the program as the schema stores it (all fields optional). */
export interface ExpirySettings {
  inactivityMonths?: number;
  afterMonths?: number;
  roundTo?: RoundTo;
  remindDays?: number;
}

export interface LotExpiryRule {
  afterMonths: number;
  roundTo: RoundTo;
}

export interface LotRules {
  /** Days after the purchase's occurredAt during which an earn's points are pending. */
  holdDays: number;
  /** Lot expiry, when the program dates each credit; undefined: lots never expire by date. */
  lotExpiry?: LotExpiryRule;
  /** Inactivity expiry, when the program expires every open lot after months without a purchase. */
  inactivityMonths?: number;
  remindDays: number;
}

export interface ProgramLotSettings {
  earn: { holdDays?: number };
  expiry: ExpirySettings | null;
}

export function lotRulesOf(program: ProgramLotSettings): LotRules {
  const expiry = program.expiry ?? {};
  return {
    holdDays: program.earn.holdDays ?? 0,
    ...(expiry.afterMonths !== undefined
      ? { lotExpiry: { afterMonths: expiry.afterMonths, roundTo: expiry.roundTo ?? 'day' } }
      : {}),
    ...(expiry.inactivityMonths !== undefined ? { inactivityMonths: expiry.inactivityMonths } : {}),
    remindDays: expiry.remindDays ?? DEFAULT_REMIND_DAYS,
  };
}

/**
 * Cross-field rules of the lot settings, each with the path of the field to fix
 * (paths are arrays, as zod reports them).
 */
export function programLotRuleIssues(program: ProgramLotSettings): { path: (string | number)[]; message: string }[] {
  const expiry = program.expiry;
  if (!expiry) return [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  const hasInactivity = expiry.inactivityMonths !== undefined;
  const hasLots = expiry.afterMonths !== undefined;
  if (hasInactivity && hasLots) {
    issues.push({ path: ['expiry', 'afterMonths'], message: 'cannot be combined with inactivityMonths: choose one' });
  }
  if (!hasInactivity && !hasLots) {
    issues.push({ path: ['expiry'], message: 'needs inactivityMonths or afterMonths (or null for no expiry)' });
  }
  if (expiry.roundTo !== undefined && !hasLots) {
    issues.push({ path: ['expiry', 'roundTo'], message: 'applies only with afterMonths' });
  }
  // A reminder sent before the points could even be spent would warn of nothing the member can act on.
  if (hasLots && expiry.remindDays !== undefined && expiry.afterMonths !== undefined) {
    if (expiry.remindDays > expiry.afterMonths * 28) {
      issues.push({
        path: ['expiry', 'remindDays'],
        message: `must be at most ${expiry.afterMonths * 28} (afterMonths × 28 days)`,
      });
    }
  }
  return issues;
}

/** The same rules as the HTTP layer's field errors (`expiry.afterMonths`). */
export function programLotFieldErrors(program: ProgramLotSettings): FieldError[] {
  return programLotRuleIssues(program).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

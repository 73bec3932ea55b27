import { clock } from '@shared/clock';
import { inactivityExpiryRule } from '@shared/domain/expiry';
import { runTimeRules } from './time-rules';

/** The ledger entries of expiry are written by the schedule, not by a partner (`system:<rule>`). */
export const EXPIRY_JOB_PARTNER = `system:${inactivityExpiryRule.name}`;

export interface ExpiryRun {
  /** Members the schedule key offered as due (for expiry or another rule). */
  candidates: number;
  /** Members whose points expired in this run. */
  expired: number;
  pointsExpired: number;
}

/**
 * Inactivity expiry alone (the jobs route's `expiry` and the tests): the time job (./time-rules.ts)
 * with only that rule. The schedule key offers the members due (a member with a positive balance
 * is keyed no later than its points expire); each is read again and checked with the current
 * program. Running twice expires once: after the first run the balance is 0.
 */
export async function expireDuePoints(
  now: Date = clock(),
  options: { timeLeft?: () => boolean } = {},
): Promise<ExpiryRun> {
  const run = await runTimeRules(now, { ...options, rules: [inactivityExpiryRule] });
  const rule = run.rules[inactivityExpiryRule.name];
  return { candidates: run.candidates, expired: rule?.expired ?? 0, pointsExpired: rule?.pointsExpired ?? 0 };
}

import { TIME_RULES } from '@shared/domain/time-rules';
import { runTimeRules, type TimeRulesRun } from './time-rules';

export type TimeChangesRun = Pick<TimeRulesRun, 'candidates' | 'members' | 'events'>;

/**
 * Every time rule due, found through the member's schedule key (GSI4): the changes by time alone
 * (cashback.available, tier.changed down), the anniversary bonus, inactivity expiry, the points
 * lots and every rule added since. Run on a schedule, each is applied at most one schedule period
 * late. Stops cleanly when `timeLeft` says so: who is left stays in the index.
 */
export async function announceDueTimeChanges(
  now: Date,
  options: { timeLeft?: () => boolean } = {},
): Promise<TimeChangesRun> {
  const { candidates, members, events } = await runTimeRules(now, { ...options, rules: TIME_RULES });
  return { candidates, members, events };
}

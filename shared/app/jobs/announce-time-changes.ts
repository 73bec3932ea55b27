import { SCHEDULED_RULES } from '@shared/domain/time-rules';
import { runTimeRules, type TimeRulesRun } from './time-rules';

export type TimeChangesRun = Pick<TimeRulesRun, 'candidates' | 'members' | 'events'>;

/**
 * The rules found through the member's schedule key (GSI4): the changes by time alone
 * (cashback.available, tier.changed down) and every rule added since (the anniversary bonus, …).
 * Run on a schedule, each is applied at most one schedule period late. Stops cleanly when
 * `timeLeft` says so: who is left stays in the index.
 */
export async function announceDueTimeChanges(
  now: Date,
  options: { timeLeft?: () => boolean } = {},
): Promise<TimeChangesRun> {
  const { candidates, members, events } = await runTimeRules(now, { ...options, rules: SCHEDULED_RULES });
  return { candidates, members, events };
}

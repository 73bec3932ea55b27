import { lotTimeRule } from '@shared/domain/lot-time';
import { runTimeRules, settleMemberTime } from './time-rules';

/**
 * The points lots' time rule alone (the jobs route's `reminders` and the tests): pending points
 * that became available (`points.available`), points about to expire (`points.expiring`) and lots
 * that expired (one `expiry` entry per member per run, `points.expired`). The decisions are the
 * pure `lotTimeRule` (shared/domain/lot-time.ts); members are found through their schedule key
 * (GSI4, the earliest time any of their rules is due, the lots' `dueAt` among them): no Scan.
 */
export const LOTS_JOB_PARTNER = `system:${lotTimeRule.name}`;

export interface LotTimeRun {
  candidates: number;
  members: number;
  available: number;
  reminders: number;
  pointsExpired: number;
}

/** One member's lots at `at`: everything due, in the member's one transaction. */
export const settleMemberLots = (memberId: string) => settleMemberTime(memberId, [lotTimeRule]);

/** Every member whose lots are due by `now`, a few at a time; stops cleanly when time runs out. */
export async function runLotTimeEvents(
  now: Date = new Date(),
  options: { timeLeft?: () => boolean } = {},
): Promise<LotTimeRun> {
  const run = await runTimeRules(now, { ...options, rules: [lotTimeRule] });
  const rule = run.rules[lotTimeRule.name];
  return {
    candidates: run.candidates,
    members: rule?.members ?? 0,
    available: rule?.available ?? 0,
    reminders: rule?.reminders ?? 0,
    pointsExpired: rule?.pointsExpired ?? 0,
  };
}

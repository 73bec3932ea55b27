import type { Context } from 'aws-lambda';
import { expireDuePoints } from '@shared/app/jobs/expire-points';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import { announceDueTimeChanges } from '@shared/app/jobs/announce-time-changes';
import { migrateScheduleKeys, SCHEDULE_KEY_MIGRATION } from '@shared/app/jobs/schedule-key-migration';
import { runTimeRules } from '@shared/app/jobs/time-rules';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';

/** Leave this much of the Lambda's time to finish the member in hand and log. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * The one job function of what happens by time (shared/app/jobs/time-rules.ts), invoked by its
 * schedules (EventBridge) and by the jobs route, the same locally on a timer. The event's `job`
 * picks the rules, all found through the one schedule key: `time-changes` (hourly): every rule;
 * `expiry` (daily): inactivity expiry, then the points lots; `reminders`: the lots alone; none:
 * every rule. A run that would outlast the function stops early; the next run
 * continues from the index. Every run first goes on with a pass over the members' time keys when
 * one is due (shared/app/jobs/schedule-key-migration.ts: the migration onto the schedule key, or
 * a re-key after a program brought expiry earlier); invoked directly with
 * `{ "migration": "schedule-key" }` (infra/README.md), the function makes the migration's pass.
 */
export async function handler(event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const now = clock();
  const timeLeft = context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {};
  const { job, migration } = (event ?? {}) as { job?: unknown; migration?: unknown };
  const migrated = await migrateScheduleKeys(now, {
    ...timeLeft,
    again: migration === SCHEDULE_KEY_MIGRATION.migration,
  });
  if (migrated.found > 0 || !migrated.completed) logger.info('schedule key migration', { ...migrated });
  if (migration === SCHEDULE_KEY_MIGRATION.migration) return migrated;
  if (job === 'time-changes') {
    const run = await announceDueTimeChanges(now, timeLeft);
    logger.info('time changes run', { ...run });
    return run;
  }
  if (job === 'reminders') {
    const lots = await runLotTimeEvents(now, timeLeft);
    logger.info('points lots run', { ...lots });
    return { lots };
  }
  if (job === 'expiry') {
    // Inactivity expiry first, then the points lots, both at the same instant of the process's clock.
    const run = await expireDuePoints(now, timeLeft);
    logger.info('points expiry run', { ...run });
    const lots = await runLotTimeEvents(now, timeLeft);
    logger.info('points lots run', { ...lots });
    return { ...run, lots };
  }
  const run = await runTimeRules(now, timeLeft);
  logger.info('time rules run', { ...run });
  return run;
}

import type { Context } from 'aws-lambda';
import { announceDueTimeChanges, type TimeChangesRun } from '@shared/app/jobs/announce-time-changes';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';

/** Leave this much of the Lambda's time to finish the member in hand and log. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * Scheduled (EventBridge, hourly by default): emits the events of changes by time alone
 * (cashback.available, tier.changed down) found through the time-changes index. The same
 * function the local runtime runs on a timer and the jobs route runs at once.
 */
export async function handler(
  _event?: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<TimeChangesRun> {
  const run = await announceDueTimeChanges(
    clock(),
    context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {},
  );
  logger.info('time changes run', { ...run });
  return run;
}

import type { Context } from 'aws-lambda';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';
import { expireDuePoints, type ExpiryRun } from '@shared/app/jobs/expire-points';
import { runLotTimeEvents, type LotTimeRun } from '@shared/app/jobs/lot-time-events';

/** Leave this much of the Lambda's time to finish the member in hand and log. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * Scheduled (EventBridge) points expiry: the same function the local runtime runs on a timer.
 * A run that would outlast the function stops early; the next run continues from the index.
 * Inactivity expiry first, then the points lots (availability, reminders and lot expiry), both at
 * the same instant of the process's clock.
 */
export async function handler(
  event?: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<Partial<ExpiryRun> & { lots: LotTimeRun }> {
  const now = clock();
  const timeLeft = context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {};
  // The jobs route's `reminders`: the points lots alone (availability, reminders, lot expiry).
  if ((event as { job?: unknown } | undefined)?.job === 'reminders') {
    const lots = await runLotTimeEvents(now, timeLeft);
    logger.info('points lots run', { ...lots });
    return { lots };
  }
  const run = await expireDuePoints(now, timeLeft);
  logger.info('points expiry run', { ...run });
  const lots = await runLotTimeEvents(now, timeLeft);
  logger.info('points lots run', { ...lots });
  return { ...run, lots };
}

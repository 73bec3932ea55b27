import type { Context } from 'aws-lambda';
import { logger } from '@shared/observability';
import { expireDuePoints } from '@shared/app/expire-points';
import { runLotTimeEvents } from '@shared/app/lot-time-events';

/** Leave this much of the Lambda's time to finish the member in hand and log. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * Scheduled (EventBridge) points expiry: the same function the local runtime runs on a timer.
 * A run that would outlast the function stops early; the next run continues from the index.
 */
export async function handler(_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
  const run = await expireDuePoints(
    new Date(),
    context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {},
  );
  logger.info('points expiry run', { ...run });
  // Points lots: availability, reminders and lot expiry (the time events job can take this over).
  const lots = await runLotTimeEvents(
    new Date(),
    context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {},
  );
  logger.info('points lots run', { ...lots });
}

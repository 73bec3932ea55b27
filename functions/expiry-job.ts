import type { Context } from 'aws-lambda';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';
import { expireDuePoints, type ExpiryRun } from '@shared/app/expire-points';

/** Leave this much of the Lambda's time to finish the member in hand and log. */
const SAFETY_MARGIN_MS = 20_000;

/**
 * Scheduled (EventBridge) points expiry: the same function the local runtime runs on a timer.
 * A run that would outlast the function stops early; the next run continues from the index.
 */
export async function handler(
  _event?: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<ExpiryRun> {
  const run = await expireDuePoints(
    clock(),
    context ? { timeLeft: () => context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS } : {},
  );
  logger.info('points expiry run', { ...run });
  return run;
}

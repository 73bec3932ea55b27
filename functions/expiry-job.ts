import { logger } from '@shared/observability';
import { expireDuePoints } from '@shared/store/expiry';

/** Scheduled (EventBridge) points expiry: the same function the local runtime runs on a timer. */
export async function handler(): Promise<void> {
  const run = await expireDuePoints(new Date());
  logger.info('points expiry run', { ...run });
}

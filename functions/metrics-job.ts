import { logger } from '@shared/observability';
import { takeSnapshot } from '@shared/store/metrics';

/**
 * Scheduled (EventBridge, hourly by default): advances the running totals by what was
 * recorded since the last run and stores a snapshot of the 30 days before now. The same
 * function the local runtime runs on a timer.
 */
export async function handler(): Promise<void> {
  const result = await takeSnapshot({}, { idempotency: undefined, now: () => new Date() });
  const snapshot = result.body as { snapshotId: string; computedAt: string };
  logger.info('metrics snapshot stored', { snapshotId: snapshot.snapshotId, computedAt: snapshot.computedAt });
}

import { takeSnapshot } from '@shared/app/take-snapshot';
import { executeOnce } from '@shared/app/support/execute';
import { clock } from '@shared/clock';
import { logger } from '@shared/observability';

/** The schedule's snapshots are written by the job, not by a partner. */
const METRICS_JOB_PARTNER = 'system:metrics';

/**
 * Scheduled (EventBridge, hourly by default): advances the running totals by what was
 * recorded since the last run and stores a snapshot of the 30 days before now. The same
 * function the local runtime runs on a timer.
 */
export async function handler(): Promise<{ snapshotId: string; computedAt: string }> {
  const snapshot = await executeOnce(takeSnapshot({}), { partnerId: METRICS_JOB_PARTNER, now: clock });
  logger.info('metrics snapshot stored', { snapshotId: snapshot.snapshotId, computedAt: snapshot.computedAt });
  return { snapshotId: snapshot.snapshotId, computedAt: snapshot.computedAt };
}

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { defaultWindow, measuresAsMetrics, measuresOf, type TimeWindow } from '@shared/domain/metrics';
import { newSnapshotId } from '@shared/ids';
import { metrics } from '@shared/observability';
import type { Program } from '@shared/schemas/program';
import { snapshotPut, type StoredSnapshot } from '@shared/store/items/snapshot';
import { currentProgram } from '@shared/store/program';
import { totalsAt } from './jobs/running-totals';
import { windowSummary } from '@shared/store/window-facts';
import { outcome, type UseCase } from './support/outcome';

export type Snapshot = StoredSnapshot;

/** Computes a snapshot at `now` (aggregates only: no member id, no personal data). */
export async function computeSnapshot(
  now: Date,
  window: TimeWindow,
  program: Pick<Program, 'currency' | 'expectedLifespanYears'>,
): Promise<Snapshot> {
  // The totals first: advancing them stores the digests the window is folded from.
  const totals = await totalsAt(now);
  const summary = await windowSummary(window, totals);
  const measures = measuresOf(summary, {
    window,
    currency: program.currency,
    expectedLifespanYears: program.expectedLifespanYears,
    totals: totals.totals,
  });
  return { snapshotId: newSnapshotId(), computedAt: now.toISOString(), ...measures };
}

/** Each measure as a CloudWatch metric (EMF). */
function publishMetrics(snapshot: Snapshot): void {
  for (const metric of measuresAsMetrics(snapshot))
    metrics.addMetric(metric.name, metric.unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit, metric.value);
  metrics.publishStoredMetrics();
}

/**
 * Computes and stores a snapshot (the schedule and the admin route), then publishes its
 * measures as CloudWatch metrics; a replay publishes nothing. The window defaults to the
 * 30 days before now.
 */
export function takeSnapshot(request: { window?: TimeWindow | undefined }): UseCase<Snapshot> {
  return async () => {
    const program = await currentProgram();
    return async (now) => {
      const window = request.window
        ? { from: new Date(request.window.from).toISOString(), to: new Date(request.window.to).toISOString() }
        : defaultWindow(now);
      const snapshot = await computeSnapshot(now, window, program);
      return outcome(
        snapshot,
        { writes: [{ item: snapshotPut(snapshot) }] },
        { afterCommit: () => publishMetrics(snapshot) },
      );
    };
  };
}

import {
  emptySummary,
  foldFact,
  previousWindow,
  type TimeWindow,
  type WindowFact,
  type WindowSummary,
} from '@shared/domain/metrics';
import { MAX_CLOCK_SKEW_MS } from '@shared/domain/order';
import { digestsEndingAfter, itemFacts } from './items/metrics-digest';
import { queryEach } from './query';

/**
 * The window and the one before it, folded from the metrics job's digests (every fact by when
 * it HAPPENED, so a till that reports 90 days late is still counted in its window) and the
 * facts recorded since the last step. Only the digests of steps that ended after the previous
 * window began are read: what a snapshot reads grows with the two windows' activity, never with
 * history, and the facts stream through the fold a page at a time. Aggregates only leave here:
 * no comment, no personal data.
 */
export async function windowSummary(
  window: TimeWindow,
  now: {
    /** Digests that ended after this were written by this run (read them consistently). */
    writtenAfter: string;
    /** The window facts recorded since the last step, not stored yet. */
    recentFacts: readonly WindowFact[];
  },
): Promise<WindowSummary> {
  const summary = emptySummary(window);
  // A fact is recorded when it is reported, never before it happened (a till's clock may run 5 minutes ahead).
  const firstNeeded = new Date(Date.parse(previousWindow(window).from) - MAX_CLOCK_SKEW_MS).toISOString();
  const fold = (items: Record<string, unknown>[]) => {
    for (const item of items) for (const fact of itemFacts(item)) foldFact(summary, fact);
  };
  // Digests of earlier runs have long settled; the steps this run just committed are read consistently.
  if (now.writtenAfter > firstNeeded) await queryEach(digestsEndingAfter(firstNeeded, now.writtenAfter), fold);
  await queryEach(
    { ...digestsEndingAfter(now.writtenAfter > firstNeeded ? now.writtenAfter : firstNeeded), ConsistentRead: true },
    fold,
  );
  for (const fact of now.recentFacts) foldFact(summary, fact);
  return summary;
}

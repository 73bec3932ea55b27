/** Scheduled (EventBridge) metrics snapshot. Placeholder until the metrics issue lands. */
export async function handler(): Promise<void> {
  throw new Error('metrics job not built yet');
}

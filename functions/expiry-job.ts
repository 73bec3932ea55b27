/** Scheduled (EventBridge) points expiry. Placeholder until the program-rules issue lands. */
export async function handler(): Promise<void> {
  throw new Error('expiry job not built yet');
}

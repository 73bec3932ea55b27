import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time a piece of work (one API request, one readiness check) has left. The HTTP layer
 * starts one per request; the store reads it to bound each DynamoDB call and each
 * optimistic retry, so a stalled database turns into a prompt 503 instead of a gateway 504.
 * No I/O here: this is the one context both layers share.
 */
export interface Deadline {
  /** Epoch milliseconds after which the work is abandoned. */
  at: number;
  /** Aborts when the deadline passes. */
  signal: AbortSignal;
}

const current = new AsyncLocalStorage<Deadline>();

/** Runs `work` with a deadline `budgetMs` from now (or the enclosing one, if that comes sooner). */
export function runWithDeadline<T>(budgetMs: number, work: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  const at = Math.min(Date.now() + Math.max(0, budgetMs), outer?.at ?? Infinity);
  const own = AbortSignal.timeout(Math.max(0, at - Date.now()));
  const signal = outer ? AbortSignal.any([outer.signal, own]) : own;
  return current.run({ at, signal }, work);
}

/**
 * Runs `work` outside any deadline, as a scheduled job runs on AWS (bounded by its own timeout):
 * the local jobs route runs a job in the request, but not under the request's deadline.
 */
export function runWithoutDeadline<T>(work: () => Promise<T>): Promise<T> {
  return current.exit(work);
}

export function currentDeadline(): Deadline | undefined {
  return current.getStore();
}

/** Milliseconds left before the current deadline; Infinity outside of one (jobs, scripts). */
export function remainingMs(): number {
  const deadline = current.getStore();
  return deadline ? Math.max(0, deadline.at - Date.now()) : Infinity;
}

/** Resolves when the current deadline passes (never outside of one). */
export function deadlinePassed(deadline: Deadline | undefined = current.getStore()): Promise<void> {
  return new Promise((resolve) => {
    if (!deadline) return;
    if (deadline.signal.aborted) return resolve();
    deadline.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

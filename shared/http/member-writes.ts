import { deadlinePassed, remainingMs } from '@shared/deadline';
import { retryPolicy } from '@shared/store/retry';
import { StorageBusyError } from '@shared/store/errors';

/**
 * Writes to one member, one at a time per process. Every write to a member is a transaction
 * conditioned on the version it read, so concurrent writes to one member race: all but one
 * fail their condition and read, decide and write again. A burst of 120 redeems on one member
 * spent the request deadline on lost races (17–45 of 120 succeeded on a busy 2-core machine).
 * Waiting in line instead costs each write one attempt. On AWS a Lambda instance serves one
 * request at a time, so the line holds at most one there and races across instances are left
 * to the store's retries; the local server serves every request in one process, and the line
 * removes its races. A request whose deadline passes while it waits answers 503 without having
 * written anything.
 */
const lines = new Map<string, Promise<void>>();

export async function oneWriteAtATime<T>(memberId: string, write: () => Promise<T>): Promise<T> {
  const ahead = lines.get(memberId) ?? Promise.resolve();
  let leave = () => undefined as void;
  const mine = new Promise<void>((resolve) => (leave = resolve));
  // The next in line waits for everyone ahead AND this one, even if this one gives up early.
  const line = ahead.then(() => mine);
  lines.set(memberId, line);
  try {
    await Promise.race([ahead, deadlinePassed()]);
    if (remainingMs() < retryPolicy.minAttemptMs)
      throw new StorageBusyError('Too many concurrent updates to this member; retry shortly.', 1);
    return await write();
  } finally {
    leave();
    if (lines.get(memberId) === line) lines.delete(memberId);
  }
}

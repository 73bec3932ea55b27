import { clock } from '@shared/clock';
import { DomainError } from '@shared/domain/errors';
import { expiryCandidatesBefore, expiryMovement, inactiveMonth } from '@shared/domain/expiry';
import { postMovements } from '@shared/domain/ledger';
import { expiryCandidates } from '@shared/store/queries';
import { currentProgram } from '@shared/store/program';
import { planInactivityExpiry } from '@shared/domain/lots';
import { transactionEvent } from '../support/emit';
import { loadLotBook } from '../support/lots';
import { postingContext } from '../support/posting';
import { executeOnce } from '../support/execute';
import { loadActiveMember } from '../support/load';
import { memberChange, outcome, type UseCase } from '../support/outcome';

/** The ledger entries of expiry are written by the schedule, not by a partner. */
export const EXPIRY_JOB_PARTNER = 'system:expiry';
const EXPIRY_CONCURRENCY = 8;

/** Thrown inside a member's use case when, read fresh, its points are not due: nothing is written. */
class NothingDueError extends Error {
  constructor() {
    super('nothing due');
    this.name = 'NothingDueError';
  }
}

export interface ExpiryRun {
  /** Members the index offered (inactive long enough, positive balance when indexed). */
  candidates: number;
  /** Members whose points expired in this run. */
  expired: number;
  pointsExpired: number;
}

/**
 * Expires the points of every member inactive for the program's `inactivityMonths`. The
 * sparse GSI2 offers only members with a positive balance, sorted by when their inactivity
 * started, so one Query per shard finds them (no Scan). The index is eventually consistent
 * and the program may have changed: each candidate is read again and checked with the
 * current program, and the `expiry` entry is committed in the usual one transaction,
 * conditioned on the member version read. Running twice expires once: after the first
 * run the balance is 0 and the member has left the index.
 */
export async function expireDuePoints(
  now: Date = clock(),
  options: { timeLeft?: () => boolean } = {},
): Promise<ExpiryRun> {
  const program = await currentProgram();
  const before = expiryCandidatesBefore(program, now);
  const run: ExpiryRun = { candidates: 0, expired: 0, pointsExpired: 0 };
  if (!before) return run;
  const memberIds = await expiryCandidates(before);
  run.candidates = memberIds.length;
  // A few members at a time: each is its own small transaction on its own partition.
  const queue = [...memberIds];
  const worker = async () => {
    // Out of time (a Lambda has a timeout): stop cleanly; who is left stays in the index for the next run.
    for (
      let memberId = queue.shift();
      memberId !== undefined && (options.timeLeft?.() ?? true);
      memberId = queue.shift()
    ) {
      const expired = await expireMember(memberId, now);
      if (expired > 0) {
        run.expired += 1;
        run.pointsExpired += expired;
      }
    }
  };
  await Promise.all(Array.from({ length: EXPIRY_CONCURRENCY }, worker));
  return run;
}

/** One member's expiry: the points expired (the result), or NothingDueError. */
function expireMemberPoints(memberId: string): UseCase<number> {
  return async (caller) => {
    const program = await currentProgram();
    return async (at) => {
      const member = await loadActiveMember(memberId, at, { lots: true });
      const due = expiryMovement(member, program, at);
      if (!due) {
        // Offered by a bucket a purchase did not move on (writes move it only earlier): move it
        // on to the month inactivity really counts from, with no entry and no event.
        const month = inactiveMonth(member);
        if (member.expiryCheckMonth === undefined || member.expiryCheckMonth >= month) throw new NothingDueError();
        return outcome(0, { members: [memberChange(member, { ...member, expiryCheckMonth: month }, [])] });
      }
      // A member with lots: every available lot expires, pending lots (in a return window) survive.
      const book = await loadLotBook(member);
      const movement = book ? planInactivityExpiry(book, at).movement : due;
      if (!movement) throw new NothingDueError();
      const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, at));
      return outcome(
        -movement.points,
        {
          members: [memberChange(member, next, entries)],
          events: entries.map((entry) => transactionEvent('points.expired', entry)),
        },
        book ? { lotBooks: new Map([[memberId, book]]) } : {},
      );
    };
  };
}

async function expireMember(memberId: string, now: Date): Promise<number> {
  try {
    return await executeOnce(expireMemberPoints(memberId), { partnerId: EXPIRY_JOB_PARTNER, now: () => now });
  } catch (error) {
    // Not due after all (a purchase since the index was read), or erased meanwhile: nothing to do.
    if (error instanceof NothingDueError || error instanceof DomainError) return 0;
    throw error;
  }
}

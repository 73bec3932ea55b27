import { DomainError } from '@shared/domain/errors';
import { dueTimeChanges, nextTimeChangeAt, recheckedAt } from '@shared/domain/time-changes';
import { currentProgram } from '@shared/store/program';
import { timeChangeCandidates } from '@shared/store/queries';
import { executeOnce } from '../support/execute';
import { loadActiveMember } from '../support/load';
import { memberChange, outcome, type UseCase } from '../support/outcome';

/** The member writes of this job are made by the schedule, not by a partner. */
export const TIME_CHANGES_JOB_PARTNER = 'system:time-changes';
const CONCURRENCY = 8;

/** Thrown inside a member's use case when, read fresh, nothing is due and its index key is right: nothing is written. */
class NothingDueError extends Error {
  constructor() {
    super('nothing due');
    this.name = 'NothingDueError';
  }
}

export interface TimeChangesRun {
  /** Members the index offered as due. */
  candidates: number;
  /** Members written (with events, or only to move their index key on). */
  members: number;
  /** Events emitted, by type. */
  events: Record<string, number>;
}

/**
 * One member's changes by time alone, as one use case: read fresh (cashback settled), ask the
 * pure rules what is due now (shared/domain/time-changes.ts), and commit the member's next
 * version with the events in ONE transaction, conditioned on the version read. The result is
 * the types of the events emitted. A re-run finds the marks moved on and emits nothing; a write
 * that raced it makes `execute` decide again on fresh state.
 */
export function announceTimeChanges(memberId: string): UseCase<string[]> {
  return async () => {
    const program = await currentProgram();
    return async (at) => {
      const member = await loadActiveMember(memberId, at);
      const due = dueTimeChanges(member, program, at);
      const { events } = due;
      // Writes only move the member's check earlier: here it moves on to the next change due. A
      // member offered with nothing due yet (a purchase pushed its tier review later) is thus
      // re-keyed without an event.
      const next = recheckedAt(due.member);
      // Nothing to tell and the index key already right and in the future: leave the member as it is.
      const dueAt = nextTimeChangeAt(next);
      if (events.length === 0 && JSON.stringify(next) === JSON.stringify(member) && (dueAt ?? '~') > at.toISOString())
        throw new NothingDueError();
      return outcome(
        events.map((event) => event.type),
        {
          members: [memberChange(member, next, [])],
          events: events.map((event) => ({ ...event, memberId })),
        },
      );
    };
  };
}

/**
 * The time-changes job: every member whose next change by time is due (the sparse GSI4, one
 * Query per shard) gets it announced. Run on a schedule, each change is emitted at most one
 * schedule period late. Stops cleanly when `timeLeft` says so: who is left stays in the index.
 */
export async function announceDueTimeChanges(
  now: Date,
  options: { timeLeft?: () => boolean } = {},
): Promise<TimeChangesRun> {
  const memberIds = await timeChangeCandidates(now);
  const run: TimeChangesRun = { candidates: memberIds.length, members: 0, events: {} };
  const queue = [...new Set(memberIds)];
  const worker = async () => {
    for (
      let memberId = queue.shift();
      memberId !== undefined && (options.timeLeft?.() ?? true);
      memberId = queue.shift()
    ) {
      const emitted = await announceMember(memberId, now);
      if (emitted === undefined) continue;
      run.members += 1;
      for (const type of emitted) run.events[type] = (run.events[type] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return run;
}

async function announceMember(memberId: string, now: Date): Promise<string[] | undefined> {
  try {
    return await executeOnce(announceTimeChanges(memberId), { partnerId: TIME_CHANGES_JOB_PARTNER, now: () => now });
  } catch (error) {
    // Nothing due after all (the index lags, or a write announced it), or erased meanwhile.
    if (error instanceof NothingDueError || error instanceof DomainError) return undefined;
    throw error;
  }
}

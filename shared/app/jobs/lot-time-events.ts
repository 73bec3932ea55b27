import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { lotRulesOf } from '@shared/domain/lot-rules';
import { isIdle, planLotTime } from '@shared/domain/lot-time';
import { pointsTotals } from '@shared/domain/lots';
import { lotDueMembers, lotDueWrite } from '@shared/store/items/lot-due';
import { lotWrite } from '@shared/store/items/lot';
import { currentProgram } from '@shared/store/program';
import { transactionEvent } from '../support/emit';
import { loadLotBook, withDigest } from '../support/lots';
import { postingContext } from '../support/posting';
import { executeOnce } from '../support/execute';
import { loadActiveMember } from '../support/load';
import { outcome, type EmittedEvent, type UseCase } from '../support/outcome';

/**
 * The points lots' time job: what happens by time alone. Pending points that became available
 * (`points.available`), points about to expire (`points.expiring`, `expiry.remindDays` ahead)
 * and lots that expired (one `expiry` entry per member per run, `points.expired`).
 *
 * Seam for the scheduled "time events" job: call `runLotTimeEvents(now)` from it (it is what
 * the expiry job runs today, functions/expiry-job.ts); `settleMemberLots(memberId)` is the one
 * member's use case, and the decisions are the pure `planLotTime` (shared/domain/lot-time.ts).
 * Members are found through their schedule item (GSI2 `LOTDUE#<shard>`, by due instant): no Scan.
 */
export const LOTS_JOB_PARTNER = 'system:lots';
const CONCURRENCY = 8;
/** Transactions one run gives a member whose announcements do not fit in one (MAX_ANNOUNCEMENT_ITEMS each). */
const MAX_PASSES_PER_MEMBER = 10;

class NothingDueError extends Error {
  constructor() {
    super('nothing due');
    this.name = 'NothingDueError';
  }
}

export interface LotTimeResult {
  available: number;
  reminders: number;
  pointsExpired: number;
  /** Announcements left for another transaction: the member is still due. */
  more: boolean;
}

export interface LotTimeRun extends Omit<LotTimeResult, 'more'> {
  candidates: number;
  members: number;
}

/** One member's lots at `at`: everything due, in the member's one transaction. */
export function settleMemberLots(memberId: string): UseCase<LotTimeResult> {
  return async (caller) => {
    const program = await currentProgram();
    const rules = lotRulesOf(program);
    return async (at) => {
      const member = await loadActiveMember(memberId, at, { lots: true });
      const book = await loadLotBook(member);
      if (!member.lots || !book) throw new NothingDueError();
      const plan = planLotTime(book, member.lots, rules, at);
      if (isIdle(plan, member.lots)) throw new NothingDueError();
      const posted = postMovements(member, plan.expiry ? [plan.expiry] : [], postingContext(caller, program, at));
      const totals = pointsTotals(plan.book, at);
      if (totals.balance + totals.pending !== posted.member.points.balance)
        throw new Error(`lots of member ${memberId} out of step with the ledger after expiry`);
      const entries: LedgerEntry[] = posted.entries.map((entry) => ({
        ...entry,
        balance: { ...entry.balance, points: totals.balance },
      }));
      const events: EmittedEvent[] = [
        ...plan.available.map((lot) => ({
          type: 'points.available' as const,
          memberId,
          data: { transactionId: lot.lotId, ...lot },
        })),
        ...plan.reminders.map((reminder) => ({
          type: 'points.expiring' as const,
          memberId,
          data: { ...reminder },
        })),
        ...entries.map((entry) => transactionEvent('points.expired', entry)),
      ];
      const writes = plan.writes.map((lot) => ({ item: lotWrite(memberId, lot) }));
      if (plan.state.dueAt !== member.lots.dueAt) writes.push({ item: lotDueWrite(memberId, plan.state.dueAt) });
      return outcome(
        {
          available: plan.available.reduce((sum, lot) => sum + lot.points, 0),
          reminders: plan.reminders.length,
          pointsExpired: -(plan.expiry?.points ?? 0),
          more: plan.more,
        },
        {
          members: [
            {
              expectedVersion: member.version,
              member: { ...posted.member, lots: withDigest(plan.state, book.lots, plan.writes) },
              entries,
            },
          ],
          writes,
          events,
        },
        { lotsApplied: [memberId] },
      );
    };
  };
}

/** Every member whose lots are due by `now`, a few at a time; stops cleanly when time runs out. */
export async function runLotTimeEvents(
  now: Date = new Date(),
  options: { timeLeft?: () => boolean } = {},
): Promise<LotTimeRun> {
  const memberIds = [...new Set(await lotDueMembers(now))];
  const run: LotTimeRun = { candidates: memberIds.length, members: 0, available: 0, reminders: 0, pointsExpired: 0 };
  const queue = [...memberIds];
  const passes = new Map<string, number>();
  const worker = async () => {
    for (
      let memberId = queue.shift();
      memberId !== undefined && (options.timeLeft?.() ?? true);
      memberId = queue.shift()
    ) {
      try {
        const result = await executeOnce(settleMemberLots(memberId), { partnerId: LOTS_JOB_PARTNER, now: () => now });
        const pass = (passes.get(memberId) ?? 0) + 1;
        passes.set(memberId, pass);
        if (pass === 1) run.members += 1;
        run.available += result.available;
        run.reminders += result.reminders;
        run.pointsExpired += result.pointsExpired;
        // A backlog bigger than one transaction: the member again, after the others.
        if (result.more && pass < MAX_PASSES_PER_MEMBER) queue.push(memberId);
      } catch (error) {
        // Not due after all (the index is eventually consistent), or erased meanwhile.
        if (error instanceof NothingDueError || error instanceof DomainError) continue;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return run;
}

import { scheduleKeyAt } from '@shared/domain/time-rules';
import type { MemberWrite } from '@shared/store/commit';
import { findMember } from '@shared/store/items/member';
import {
  EARLIER_KEY_SOURCES,
  earlierKeyPage,
  earlierLotDueDelete,
  findScheduleMigration,
  saveScheduleMigration,
  type EarlierKeySource,
  type MigrationPosition,
} from '@shared/store/items/schedule-migration';
import { EXPIRY_SHARDS } from '@shared/store/keys';
import { currentProgram } from '@shared/store/program';
import { executeOnce } from '../support/execute';
import { outcome, type UseCase } from '../support/outcome';

/**
 * The migration of the members' earlier time keys onto the one schedule key (GSI4): each member
 * found on an earlier key (shared/store/items/schedule-migration.ts) is read fresh and keyed no
 * later than its time rules are due — a key only moves earlier, as on any write — and its earlier
 * key is removed in the same transaction. Resumable: a pass pages through each source shard by
 * shard and stores where it is after every page, so a run out of time goes on from there. Safe to
 * run again: a member moved is on no earlier key any more, so a second pass finds nothing to do.
 *
 * The time job continues an unfinished pass, or makes the first, before its rules
 * (functions/time-job.ts); invoked directly with `{ "migration": "schedule-key" }` it makes a
 * new pass (infra/README.md).
 */
export const SCHEDULE_KEY_MIGRATION = { migration: 'schedule-key' } as const;

/** Members read per page of an earlier key. */
const PAGE = 100;

export interface ScheduleMigrationRun {
  /** Members found on an earlier key in this run. */
  found: number;
  /** Members whose schedule key this run moved earlier. */
  moved: number;
  /** The pass reached the end of every source. */
  completed: boolean;
}

/** One member off its earlier key: keyed no later than its rules are due. Returns whether the key moved. */
function movedToScheduleKey(memberId: string, source: EarlierKeySource): UseCase<boolean> {
  return async () => {
    const program = await currentProgram();
    return async () => {
      const member = await findMember(memberId);
      const earlier = source === 'LOTDUE' ? [{ item: earlierLotDueDelete(memberId) }] : [];
      if (!member || member.status !== 'active') return outcome(false, { writes: earlier });
      const key = scheduleKeyAt(member, program);
      if (key === member.timeChangesCheckAt) return outcome(false, { writes: earlier });
      const { timeChangesCheckAt: _stored, ...rest } = member;
      const write: MemberWrite = {
        expectedVersion: member.version,
        member: key === undefined ? rest : { ...rest, timeChangesCheckAt: key },
        entries: [],
        scheduleSet: true,
      };
      return outcome(true, { members: [write], writes: earlier });
    };
  };
}

const next = (position: MigrationPosition): MigrationPosition | undefined =>
  position.shard + 1 < EXPIRY_SHARDS
    ? { source: position.source, shard: position.shard + 1 }
    : position.source + 1 < EARLIER_KEY_SOURCES.length
      ? { source: position.source + 1, shard: 0 }
      : undefined;

/**
 * Goes on with the pass under way, or starts one: when `again` (the direct invocation), or when
 * no pass ever completed (the time job's first run after the deploy). Stops when `timeLeft` says so.
 */
export async function migrateScheduleKeys(
  now: Date,
  options: { again?: boolean; timeLeft?: () => boolean } = {},
): Promise<ScheduleMigrationRun> {
  const state = await findScheduleMigration();
  const run: ScheduleMigrationRun = { found: 0, moved: 0, completed: false };
  let position = state.position ?? (options.again || !state.completedAt ? { source: 0, shard: 0 } : undefined);
  if (!position) return { ...run, completed: true };
  while (options.timeLeft?.() ?? true) {
    const source = EARLIER_KEY_SOURCES[position.source];
    if (!source) throw new Error('no such earlier key source');
    const page = await earlierKeyPage(position, PAGE);
    for (const memberId of page.memberIds) {
      run.found += 1;
      const moved = await executeOnce(movedToScheduleKey(memberId, source), {
        partnerId: 'system:schedule-key',
        now: () => now,
      });
      if (moved) run.moved += 1;
    }
    const after: MigrationPosition | undefined = page.after ? { ...position, after: page.after } : next(position);
    if (!after) {
      await saveScheduleMigration({ completedAt: now.toISOString(), moved: state.moved + run.moved });
      return { ...run, completed: true };
    }
    position = after;
    await saveScheduleMigration({ ...state, position, moved: state.moved + run.moved });
  }
  return run;
}

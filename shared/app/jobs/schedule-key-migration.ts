import { scheduleKeyAt } from '@shared/domain/time-rules';
import type { Program } from '@shared/schemas/program';
import type { MemberWrite } from '@shared/store/commit';
import { findMember } from '@shared/store/items/member';
import {
  earlierLotDueDelete,
  findScheduleMigration,
  keyPage,
  saveScheduleMigration,
  SOURCE_SHARDS,
  type KeySource,
  type PassPosition,
  type ScheduleMigrationState,
} from '@shared/store/items/schedule-migration';
import { currentProgram, programCacheMs } from '@shared/store/program';
import { executeOnce } from '../support/execute';
import { outcome, type UseCase } from '../support/outcome';

/**
 * Passes over the members' time keys, each keying every member it finds no later than its time
 * rules are due (`scheduleKeyAt`: a key only moves earlier, as on any write):
 *
 * - the migration onto the one schedule key: the members on the earlier layout's keys (the lots'
 *   `LOTDUE` item, the member's `EXPIRY` key, both on GSI2) are keyed and taken off them, in the
 *   member's one transaction. A member moved is on no earlier key: a second pass finds nothing.
 * - a program that brings inactivity expiry earlier (switched on, or fewer months): every member on
 *   the schedule key is re-keyed under it, so expiry reaches each at the next run, as it did when
 *   expiry had an index of its own. It starts once every instance holds the new program (the
 *   program cache, by the system clock), so no write keys a member by the older one after it.
 *
 * Resumable: a pass pages through its sources shard by shard and stores where it is after every
 * page; a run out of time goes on from there. The time job runs whatever pass is due before its
 * rules (functions/time-job.ts); invoked with `{ "migration": "schedule-key" }` it makes the
 * migration's pass again (infra/README.md).
 */
export const SCHEDULE_KEY_MIGRATION = { migration: 'schedule-key' } as const;

/** The earlier layout's keys. */
const EARLIER: KeySource[] = ['LOTDUE', 'EXPIRY'];

/** Members read per page. */
const PAGE = 100;

export interface ScheduleMigrationRun {
  /** Members found on the pass's keys in this run. */
  found: number;
  /** Members whose schedule key this run moved earlier. */
  moved: number;
  /** No pass is under way any more (none was due, or this run finished it). */
  completed: boolean;
}

const inactivityMonths = (program: Program): number | null => program.expiry?.inactivityMonths ?? null;

/** Whether expiry under `months` can come earlier than under the months every key honours. */
const expiryEarlier = (months: number | null, honoured: number | null | undefined): boolean =>
  months !== null && (honoured === undefined || honoured === null || months < honoured);

/** One member found on a source: keyed no later than its rules are due, off the earlier key. Whether its key moved. */
function keyedNoLater(memberId: string, source: KeySource): UseCase<boolean> {
  return async () => {
    const program = await currentProgram();
    return async () => {
      const member = await findMember(memberId);
      const earlier = source === 'LOTDUE' ? [{ item: earlierLotDueDelete(memberId) }] : [];
      if (!member) return outcome(false, { writes: earlier });
      const key = member.status === 'active' ? scheduleKeyAt(member, program) : undefined;
      const moved = key !== member.timeChangesCheckAt;
      // The earlier expiry key is an attribute of the member item: the member is put again without it.
      if (!moved && source !== 'EXPIRY') return outcome(false, { writes: earlier });
      const { timeChangesCheckAt: _stored, ...rest } = member;
      const write: MemberWrite = {
        expectedVersion: member.version,
        member: key === undefined ? rest : { ...rest, timeChangesCheckAt: key },
        entries: [],
        scheduleSet: true,
      };
      return outcome(moved, { members: [write], writes: earlier });
    };
  };
}

/** The pass due now, if any: the migration's while it has not covered every earlier key (or `again`), then expiry's re-key. */
function passDue(state: ScheduleMigrationState, program: Program, again: boolean): PassPosition | undefined {
  const start = (sources: KeySource[]): PassPosition => ({
    sources,
    source: 0,
    shard: 0,
    notBefore: new Date(Date.now() + programCacheMs()).toISOString(),
    expiryMonths: inactivityMonths(program),
  });
  if (again || !EARLIER.every((source) => state.migrated?.includes(source))) return start(EARLIER);
  if (expiryEarlier(inactivityMonths(program), state.expiryMonths)) return start(['SCHEDULE']);
  return undefined;
}

const nextShard = (position: PassPosition): PassPosition | undefined => {
  const { after: _after, ...at } = position;
  if (at.shard + 1 < SOURCE_SHARDS) return { ...at, shard: at.shard + 1 };
  return at.source + 1 < at.sources.length ? { ...at, source: at.source + 1, shard: 0 } : undefined;
};

/**
 * Goes on with the pass under way, or starts the one due (`again`: the migration's, when none is
 * under way); stops when `timeLeft` says so.
 */
export async function migrateScheduleKeys(
  now: Date,
  options: { again?: boolean; timeLeft?: () => boolean } = {},
): Promise<ScheduleMigrationRun> {
  const [state, program] = await Promise.all([findScheduleMigration(), currentProgram()]);
  const run: ScheduleMigrationRun = { found: 0, moved: 0, completed: false };
  let position = state.position ?? passDue(state, program, options.again === true);
  if (!position) {
    // Expiry as late or later than the keys honour (or off): an early key only makes the job look sooner.
    if (state.expiryMonths !== inactivityMonths(program))
      await saveScheduleMigration({ ...state, expiryMonths: inactivityMonths(program) });
    return { ...run, completed: true };
  }
  if (!state.position) await saveScheduleMigration({ ...state, position });
  // Every instance holds the program the pass keys by only once the program cache ran out.
  if (Date.now() < Date.parse(position.notBefore)) return run;
  while (options.timeLeft?.() ?? true) {
    const page = await keyPage(position, PAGE);
    for (const memberId of page.memberIds) {
      run.found += 1;
      const moved = await executeOnce(keyedNoLater(memberId, page.source), {
        partnerId: 'system:schedule-key',
        now: () => now,
      });
      if (moved) run.moved += 1;
    }
    const after: PassPosition | undefined = page.after ? { ...position, after: page.after } : nextShard(position);
    if (!after) {
      const { position: _done, ...rest } = state;
      const migration = position.sources.includes('LOTDUE');
      await saveScheduleMigration({
        ...rest,
        ...(migration ? { migrated: EARLIER } : {}),
        completedAt: now.toISOString(),
        // The re-key pass keyed every member by its months; the migration's first pass, the members
        // whose points could expire (the members already keyed were keyed by writes that knew them).
        expiryMonths: migration && state.expiryMonths !== undefined ? state.expiryMonths : position.expiryMonths,
        moved: state.moved + run.moved,
      });
      return { ...run, completed: true };
    }
    position = after;
    await saveScheduleMigration({ ...state, position, moved: state.moved + run.moved });
  }
  return run;
}

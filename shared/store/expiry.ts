import { queryAll } from './query';
import { DomainError } from '@shared/domain/errors';
import { expiryCandidatesBefore, expiryMovement } from '@shared/domain/expiry';
import { postMovements } from '@shared/domain/ledger';
import { EXPIRY_SHARDS, keys } from './keys';
import { runMemberCommand } from './members';
import { postingContext } from './points';
import { currentProgram } from './program';
import { indexNames } from './table';

/** The ledger entries of expiry are written by the schedule, not by a partner. */
export const EXPIRY_JOB_PARTNER = 'system:expiry';
const EXPIRY_CONCURRENCY = 8;

/** Thrown inside a member command when, read fresh, the member's points are not due: nothing is written. */
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

/** Member ids, in one shard of the expiry index, inactive since before the cut-off. */
async function candidatesInShard(shard: number, before: string): Promise<string[]> {
  const items = await queryAll({
    IndexName: indexNames.dueByDay,
    KeyConditionExpression: 'GSI2PK = :shard AND GSI2SK < :before',
    ExpressionAttributeValues: { ':shard': keys.pointsExpiryPartition(shard), ':before': before },
    ProjectionExpression: 'memberId',
  });
  return items.map((item) => String(item.memberId));
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
  now: Date = new Date(),
  options: { timeLeft?: () => boolean } = {},
): Promise<ExpiryRun> {
  const program = await currentProgram();
  const before = expiryCandidatesBefore(program, now);
  const run: ExpiryRun = { candidates: 0, expired: 0, pointsExpired: 0 };
  if (!before) return run;
  const shards = Array.from({ length: EXPIRY_SHARDS }, (_, shard) => shard);
  const memberIds = (await Promise.all(shards.map((shard) => candidatesInShard(shard, before)))).flat();
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

/** Expires one member's balance if it is due; returns the points expired (0 when nothing was due). */
async function expireMember(memberId: string, now: Date): Promise<number> {
  const program = await currentProgram();
  let expired = 0;
  try {
    await runMemberCommand(
      memberId,
      undefined,
      () => now,
      (member, at) => {
        const movement = expiryMovement(member, program, at);
        if (!movement) throw new NothingDueError();
        const { member: next, entries } = postMovements(
          member,
          [movement],
          postingContext({ partnerId: EXPIRY_JOB_PARTNER }, program, at),
        );
        expired = -movement.points;
        return { members: [{ expectedVersion: member.version, member: next, entries }], response: { status: 201 } };
      },
    );
  } catch (error) {
    // Not due after all (a purchase since the index was read), or erased meanwhile: nothing to do.
    if (error instanceof NothingDueError || error instanceof DomainError) return 0;
    throw error;
  }
  return expired;
}

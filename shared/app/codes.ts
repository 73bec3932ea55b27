import {
  cancelCode,
  codeView,
  keptExpiry,
  releaseCode,
  reservedPoints,
  statusAt,
  useCode,
  withReserved,
  type CodeView,
  type IssuedCode,
} from '@shared/domain/codes';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry, type Movement } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import type { Program } from '@shared/schemas/program';
import { codeChangeWrites, findCodeByText, findMemberCode, type StoredCode } from '@shared/store/items/code';
import { codeCountsAdd, type CodeCounter } from '@shared/store/items/reward-counters';
import { currentProgram } from '@shared/store/program';
import { VersionConflictError } from '@shared/store/errors';
import { findLedgerEntry } from '@shared/store/queries';
import type { ConditionalWrite } from '@shared/store/commit';
import { transactionEvent } from './support/emit';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, type Caller, type EmittedEvent, type UseCase } from './support/outcome';
import { postingContext } from './support/posting';

/**
 * The till's and the support desk's use cases of a code: validate (one read), use, release,
 * cancel. Each change of a code is ONE transaction of the code item (conditioned on the revision
 * read: of many tills at once one wins, the others read again and are refused), the member (its
 * reservation, its ledger entry if points move) and the events.
 */

type Issued = Extract<StoredCode, { kind: 'issued' }>;
const issuedOnly = (stored: StoredCode | undefined): Issued | undefined =>
  stored?.kind === 'issued' ? stored : undefined;

/** What a change of a code answers: the code, and the ledger entry it posted (if points moved). */
export interface CodeChange {
  code: CodeView;
  entry?: LedgerEntry;
}

/**
 * A change of one issued code of one member: the member's next state (reservation moved by
 * `reserved`, the codes' due time brought earlier when the code is issued again), the movement
 * posted, the code item and the reward's counts moved, and the events.
 */
function codeChangeOutcome(
  caller: Pick<Caller, 'partnerId'>,
  program: Program,
  now: Date,
  change: {
    member: MemberState;
    stored: Issued;
    next: IssuedCode;
    movement: Movement | undefined;
    reserved: number;
    counts: Partial<Record<CodeCounter, number>>;
    event: 'code.used' | 'code.released' | 'code.cancelled' | 'code.expired';
  },
) {
  const { member, stored, movement } = change;
  // The code was read before the member: another till's use may have released the reservation in
  // between. The code's condition would refuse this write anyway; read both again and decide again.
  if (reservedPoints(member) + change.reserved < 0) throw new VersionConflictError();
  let writer = withReserved(member, change.reserved);
  if (change.next.status === 'issued' && (!writer.codesDueAt || change.next.expiresAt < writer.codesDueAt))
    writer = { ...writer, codesDueAt: change.next.expiresAt };
  // A reservation that ended without a use (a cancel) no longer needs the points it kept after their
  // lots died: they expire. A use charges them instead (shared/app/support/lots.ts `debit`).
  const kept = change.event === 'code.cancelled' ? keptExpiry(writer) : undefined;
  const movements = [...(movement ? [movement] : []), ...(kept ? [kept] : [])];
  const posted =
    movements.length > 0
      ? postMovements(writer, movements, postingContext(caller, program, now))
      : { member: writer, entries: [] };
  const entry = movement ? posted.entries[0] : undefined;
  const keptEntry = kept ? posted.entries.at(-1) : undefined;
  const next =
    entry && change.event === 'code.used' ? { ...change.next, useTransactionId: entry.transactionId } : change.next;
  const counts = codeCountsAdd(next.rewardId, change.counts);
  const withText = change.event === 'code.used' || change.event === 'code.released';
  const events: EmittedEvent[] = [
    { type: change.event, memberId: member.memberId, data: codeView(next, now, { withText }) },
    ...(entry ? [transactionEvent(entry.points > 0 ? 'points.returned' : 'points.redeemed', entry)] : []),
    ...(keptEntry ? [transactionEvent('points.expired', keptEntry)] : []),
  ];
  const writes: ConditionalWrite[] = [
    ...codeChangeWrites(stored, next).map((item) => ({ item })),
    ...(counts ? [{ item: counts }] : []),
  ];
  return {
    member: memberChange(member, posted.member, posted.entries),
    code: next,
    entry,
    writes,
    events,
  };
}

/** `POST /v1/codes/use`: the code is used for the order (again for the same order: the same answer). */
export function useRewardCode(request: { code: string; orderId: string }): UseCase<CodeChange> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const stored = issuedOnly(await findCodeByText(request.code));
      const decision = useCode(stored?.state, request.orderId, now);
      if (decision.kind === 'again') return outcome(await answeredAgain(decision.code, now));
      if (!stored) throw new DomainError('code-not-found', 'No such code.');
      const member = await loadActiveMember(stored.state.memberId, now, { lots: decision.movement !== undefined });
      const points = stored.state.chargeOn === 'use' ? stored.state.points : 0;
      const change = codeChangeOutcome(caller, program, now, {
        member,
        stored,
        next: decision.code,
        movement: decision.movement,
        reserved: -points,
        counts: { issued: -1, used: 1, reserved: -points },
        event: 'code.used',
      });
      return outcome(withEntry(change.code, change.entry, now), {
        members: [change.member],
        writes: change.writes,
        events: change.events,
      });
    };
  };
}

/** The first use's answer: the code, and the redeem entry it posted (charged at use). */
async function answeredAgain(code: IssuedCode, now: Date): Promise<CodeChange> {
  const entry = code.useTransactionId ? await findLedgerEntry(code.memberId, code.useTransactionId) : undefined;
  return withEntry(code, entry, now);
}

const withEntry = (code: IssuedCode, entry: LedgerEntry | undefined, now: Date): CodeChange => ({
  code: codeView(code, now),
  ...(entry ? { entry } : {}),
});

/** `POST /v1/codes/release`: the order was voided; the code is issued again (charged at use: the points reserved again). */
export function releaseRewardCode(request: { code: string; orderId: string }): UseCase<CodeChange> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const stored = issuedOnly(await findCodeByText(request.code));
      const released = releaseCode(stored?.state, request.orderId);
      if (!stored) throw new DomainError('code-not-found', 'No such code.');
      const member = await loadActiveMember(stored.state.memberId, now, { lots: released.movement !== undefined });
      const points = stored.state.chargeOn === 'use' ? stored.state.points : 0;
      const change = codeChangeOutcome(caller, program, now, {
        member,
        stored,
        next: released.code,
        movement: released.movement,
        reserved: points,
        counts: { used: -1, issued: 1, reserved: points },
        event: 'code.released',
      });
      return outcome(withEntry(change.code, change.entry, now), {
        members: [change.member],
        writes: change.writes,
        events: change.events,
      });
    };
  };
}

/** `POST /v1/members/{id}/codes/{codeId}/cancel`: an issued code only; its points come back. */
export function cancelMemberCode(memberId: string, codeId: string, reason: string): UseCase<CodeChange> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const [member, found] = await Promise.all([
        loadActiveMember(memberId, now, { lots: true }),
        findMemberCode(memberId, codeId),
      ]);
      const stored = issuedOnly(found);
      const cancelled = cancelCode(stored?.state, reason, now);
      if (!stored) throw new DomainError('code-not-found', `Member ${memberId} has no code ${codeId}.`);
      const change = codeChangeOutcome(caller, program, now, {
        member,
        stored,
        next: cancelled.code,
        movement: cancelled.movement,
        reserved: -cancelled.reservationReleased,
        counts: { issued: -1, cancelled: 1, reserved: -cancelled.reservationReleased },
        event: 'code.cancelled',
      });
      return outcome(withEntry(change.code, change.entry, now), {
        members: [change.member],
        writes: change.writes,
        events: change.events,
      });
    };
  };
}

/**
 * A refund undid gift rules (shared/domain/basket-order.ts): each gifted code still unused is
 * cancelled in the refund's transaction (`code.cancelled`; a gift cost no points, so none come
 * back). A code used, expired or cancelled already stays as it is: the member had the gift.
 */
export async function cancelUndoneGifts(
  memberId: string,
  undone: readonly { codeId?: string }[],
  now: Date,
): Promise<{ writes: ConditionalWrite[]; events: EmittedEvent[] }> {
  const codeIds = undone.flatMap((gift) => (gift.codeId !== undefined ? [gift.codeId] : []));
  const found = await Promise.all(codeIds.map((codeId) => findMemberCode(memberId, codeId)));
  const writes: ConditionalWrite[] = [];
  const events: EmittedEvent[] = [];
  for (const stored of found.map(issuedOnly)) {
    if (!stored || statusAt(stored.state, now) !== 'issued') continue;
    const { code } = cancelCode(stored.state, 'refund', now);
    writes.push(...codeChangeWrites(stored, code).map((item) => ({ item })));
    const counts = codeCountsAdd(code.rewardId, { issued: -1, cancelled: 1 });
    if (counts) writes.push({ item: counts });
    events.push({ type: 'code.cancelled', memberId, data: codeView(code, now) });
  }
  return { writes, events };
}

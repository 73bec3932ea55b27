import { fitEventData, globalEvent, memberEvents, type DomainEvent, type EventDraft } from '@shared/domain/events';
import type { LedgerEntry } from '@shared/domain/ledger';
import { assertActiveMember, settleCashback, type MemberState } from '@shared/domain/member';
import { commit, type Commit, type ConditionalWrite, type MemberWrite } from '@shared/store/commit';
import { IdempotencyKeyReuseError, IdempotencyRecordExistsError } from '@shared/store/errors';
import { eventWrites } from '@shared/store/events';
import {
  interpretRecord,
  lookupIdempotency,
  type IdempotencyContext,
  type StoredResponse,
} from '@shared/store/idempotency';
import type { OrderState } from '@shared/domain/order';
import { findMember } from '@shared/store/items/member';
import { findOrder } from '@shared/store/items/order';
import { withWriteRetries } from '@shared/store/retry';
import { newEventId } from '@shared/ids';
import { applyLots, findMemberWithLots, type LoadedBooks } from './lots';

/** Who asks for a use case: the partner, the request's idempotency context (if any) and the clock. */
export interface Caller {
  partnerId: string;
  idempotency: IdempotencyContext | undefined;
  now: () => Date;
}

/**
 * Something that happened, for others to learn about (the feed, webhooks, the bus). With a
 * `memberId` it is that member's event: the member must be written by the same outcome, and
 * the event's sequence comes from the version that write takes. Without, it is about no member
 * (reward.out-of-stock). `execute` stores them in the outcome's own transaction (the outbox):
 * a refused or replayed request never commits, so it emits nothing.
 */
export interface EmittedEvent extends EventDraft {
  memberId?: string;
}

/**
 * What a use case decided, before anything is written: the member changes (each with its
 * ledger entries), the other conditional writes, the result value the caller gets, and the
 * events. `execute` commits the writes as ONE transaction, or none of them.
 */
export interface Outcome<R> extends Commit {
  result: R;
  /** What a replay of the same request answers, when it must differ from `result` (a secret shown once). */
  replayResult?: R;
  events: EmittedEvent[];
  /**
   * Runs once the transaction is committed (never on a replay): e.g. publish the snapshot's
   * metrics, remove a deleted partner's throttle. Awaited before the caller gets the result.
   */
  afterCommit?: () => void | Promise<void>;
  /** Points lots the use case loaded already, by member (see ./lots.ts): the hook does not query them again. */
  lotBooks?: LoadedBooks;
  /** Members whose lot writes the use case made itself (the lots' time job): the hook leaves them be. */
  lotsApplied?: string[];
}

/** Builds an outcome. */
export function outcome<R>(
  result: R,
  changes: { members?: MemberWrite[]; writes?: ConditionalWrite[]; events?: EmittedEvent[] } = {},
  extra: Pick<Outcome<R>, 'replayResult' | 'afterCommit' | 'lotBooks' | 'lotsApplied'> = {},
): Outcome<R> {
  return {
    members: changes.members ?? [],
    writes: changes.writes ?? [],
    result,
    events: changes.events ?? [],
    ...extra,
  };
}

/**
 * The outcome's events as stored: a member's events take their sequence from the version its
 * write in this outcome commits (the version read + 1), in the order the use case listed them.
 */
export function eventsOf(decided: Pick<Outcome<unknown>, 'members' | 'events'>, at: Date): DomainEvent[] {
  const createdAt = at.toISOString();
  const stored: DomainEvent[] = [];
  const drafts = new Map<string, EventDraft[]>();
  for (const { memberId, type, data } of decided.events) {
    const draft = { type, data: fitEventData(data) };
    if (memberId === undefined) stored.push(globalEvent(draft, createdAt, newEventId()));
    else drafts.set(memberId, [...(drafts.get(memberId) ?? []), draft]);
  }
  for (const [memberId, ofMember] of drafts) {
    const write = decided.members.find((change) => change.member.memberId === memberId);
    if (!write) throw new Error(`an event of member ${memberId} needs that member's write in the same outcome`);
    const version = (write.expectedVersion ?? 0) + 1;
    stored.unshift(...memberEvents({ memberId, version }, ofMember, createdAt, newEventId));
  }
  return stored;
}

/** Decides on fresh state; run again after a lost race (an item changed since it was read). */
export type Decide<R> = (now: Date) => Promise<Outcome<R>> | Outcome<R>;

/**
 * A use case: checks what does not depend on stored state (once), then returns `decide`.
 * `execute` runs it; the HTTP layer and the jobs are its callers.
 */
export type UseCase<R> = (caller: Caller) => Promise<Decide<R>> | Decide<R>;

/** How the caller's protocol records a result for idempotent replays (shared/http knows; the app does not). */
export type RecordResult<R> = (result: R) => StoredResponse;

export type Executed<R> =
  { replayed: false; result: R; events: DomainEvent[] } | { replayed: true; response: StoredResponse };

/**
 * Runs a use case: `decide` gets fresh state and returns the outcome (pure rules live in
 * shared/domain); the outcome is committed as one transaction with the idempotency record.
 * Lost races re-run `decide`; a used idempotency key answers with the first response.
 */
export async function execute<R>(useCase: UseCase<R>, caller: Caller, record?: RecordResult<R>): Promise<Executed<R>> {
  const decide = await useCase(caller);
  const { idempotency } = caller;
  if (idempotency && !record) throw new Error('an idempotent call needs a way to record its result');
  return withWriteRetries(async (): Promise<Executed<R>> => {
    const at = caller.now();
    const decided = await decide(at);
    // Points lots: the lot items and the member's lot scalars join the same transaction.
    await applyLots(decided, at);
    const recorded =
      idempotency && record
        ? { context: idempotency, response: record(decided.replayResult ?? decided.result) }
        : undefined;
    const events = eventsOf(decided, at);
    try {
      await commit({ members: decided.members, writes: [...decided.writes, ...eventWrites(events)] }, recorded, at);
    } catch (error) {
      if (error instanceof IdempotencyRecordExistsError && idempotency)
        return { replayed: true, response: replayFromRecord(idempotency, caller.now(), error.record) };
      throw error;
    }
    await decided.afterCommit?.();
    return { replayed: false, result: decided.result, events };
  });
}

/**
 * When the record exists, the first response is the answer (or a refusal for a different request).
 * The cancelled transaction returns the record (its put asks for ALL_OLD): no read is needed, and
 * the functions are granted none on idempotency records.
 */
function replayFromRecord(
  idempotency: IdempotencyContext,
  now: Date,
  returned: Record<string, unknown> | undefined,
): StoredResponse {
  if (!returned) throw new Error('the cancelled transaction returned no idempotency record (ALL_OLD)');
  const found = interpretRecord(returned, idempotency, now);
  if (found.kind === 'mismatch') throw new IdempotencyKeyReuseError();
  if (found.kind === 'replay') return found.response;
  throw new Error('idempotency record vanished between the failed write and the read');
}

/** Executes a use case that has no idempotency key (jobs, PUT routes) and returns its result. */
export async function executeOnce<R>(useCase: UseCase<R>, caller: Omit<Caller, 'idempotency'>): Promise<R> {
  const executed = await execute(useCase, { ...caller, idempotency: undefined });
  if (executed.replayed) throw new Error('a call without an idempotency key cannot be a replay');
  return executed.result;
}

/** A member that exists and is not erased, with released cashback settled. */
/**
 * Whether the caller's Idempotency-Key was used already. Only for a use case with an effect
 * outside the table (a usage plan provisioned, a message queued), which must not happen again
 * on a replay and cannot wait for the transaction's condition to find out: every other use case
 * learns it from the failed condition, without this read.
 */
export async function idempotencyKeyUsed(caller: Caller): Promise<boolean> {
  return (
    caller.idempotency !== undefined && (await lookupIdempotency(caller.idempotency, caller.now())).kind !== 'absent'
  );
}

/**
 * `lots`: the use case moves or shows points, so the member's lots are read beside it, in the
 * same round trip (./lots.ts `findMemberWithLots`; nothing more while the program has no lots).
 */
export async function loadActiveMember(
  memberId: string,
  now: Date,
  options: { lots?: boolean } = {},
): Promise<MemberState> {
  const member = options.lots ? await findMemberWithLots(memberId, now) : await findMember(memberId);
  return settleCashback(assertActiveMember(member, memberId), now);
}

/** For use cases about one order of the member (earn, cashback, refund): both read at once, not one after the other. */
export async function loadMemberAndOrder(
  memberId: string,
  orderId: string,
  now: Date,
  options: { lots?: boolean } = {},
): Promise<{ member: MemberState; order: OrderState | undefined }> {
  const [member, order] = await Promise.all([loadActiveMember(memberId, now, options), findOrder(memberId, orderId)]);
  return { member, order };
}

/** The member's write: its next state and entries, conditioned on the version it was read at. */
export function memberChange(read: MemberState, next: MemberState, entries: LedgerEntry[]): MemberWrite {
  return { expectedVersion: read.version, member: next, entries };
}

/** The entry a call answers with. The last carries the balances after the whole write. */
export function postedEntry(entries: LedgerEntry[], which: 'first' | 'last'): LedgerEntry {
  const entry = which === 'first' ? entries[0] : entries.at(-1);
  if (!entry) throw new Error('a write posts at least one ledger entry');
  return entry;
}

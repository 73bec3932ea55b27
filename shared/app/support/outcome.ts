import type { LedgerEntry } from '@shared/domain/ledger';
import type { LotBook } from '@shared/domain/lots';
import type { MemberState } from '@shared/domain/member';
import type { AuditDraft } from '@shared/domain/audit';
import type { EventDraft } from '@shared/domain/events';
import type { Commit, ConditionalWrite, MemberWrite } from '@shared/store/commit';
import type { IdempotencyContext } from '@shared/store/idempotency';

/**
 * What a use case is and what it returns: the outcome, decided before anything is written.
 * Running it is ./execute.ts; reading the state it decides on, ./load.ts.
 */

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
  /** The change as the audit log records it (an admin's or a support desk's change), in the same transaction. */
  audit?: AuditDraft;
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

/** Points lots read by a use case, by member id. */
export type LoadedBooks = Map<string, LotBook>;

/** Builds an outcome. */
export function outcome<R>(
  result: R,
  changes: { members?: MemberWrite[]; writes?: ConditionalWrite[]; events?: EmittedEvent[]; audit?: AuditDraft } = {},
  extra: Pick<Outcome<R>, 'replayResult' | 'afterCommit' | 'lotBooks' | 'lotsApplied'> = {},
): Outcome<R> {
  return {
    members: changes.members ?? [],
    writes: changes.writes ?? [],
    result,
    events: changes.events ?? [],
    ...(changes.audit ? { audit: changes.audit } : {}),
    ...extra,
  };
}

/**
 * Decides on fresh state; run again after a lost race (an item changed since it was read).
 * It reads and returns the outcome: it writes nothing (a write the decision needs first is `prepare`'s).
 */
export type Decide<R> = (now: Date) => Promise<Outcome<R>> | Outcome<R>;

/**
 * The writes a use case needs made before it can decide (an erasure's copies of personal data
 * removed, an upload's codes put in the pool, a delivery attempt queued). `execute` runs them
 * before EACH `decide`, which gets what they return: every one is idempotent, so running them
 * again after a lost race, or for a retried request, changes nothing more.
 */
export interface Prepared<R> {
  prepare: (now: Date) => Promise<unknown>;
  decide: (now: Date, prepared: unknown) => Promise<Outcome<R>> | Outcome<R>;
}

/**
 * A use case's two steps: `prepare` writes (idempotently), then `decide` decides on what it
 * returned. Pass `prepare` as a named function: its name says what it writes.
 */
export function prepareThenDecide<R, P>(
  prepare: (now: Date) => Promise<P>,
  decide: (now: Date, prepared: P) => Promise<Outcome<R>> | Outcome<R>,
): Prepared<R> {
  // `prepared` is what this `prepare` returned: the executor hands it straight back.
  return { prepare, decide: (now, prepared) => decide(now, prepared as P) };
}

/**
 * A use case: checks what does not depend on stored state (once; an effect outside the table made
 * once per request, like a partner's usage plan or an import's file, is made there too), then
 * returns `decide`, or `prepare` and `decide` when it must write before it decides
 * (`prepareThenDecide`). `execute` runs it; the HTTP layer and the jobs are its callers.
 */
export type UseCase<R> = (caller: Caller) => Promise<Decide<R> | Prepared<R>> | Decide<R> | Prepared<R>;

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

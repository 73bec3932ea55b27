import {
  fitEventData,
  globalEvent,
  holdsPersonalData,
  memberEvents,
  withoutPersonalData,
  type DomainEvent,
  type EventDraft,
} from '@shared/domain/events';
import type { AuditRecord } from '@shared/domain/audit';
import { commit, type ConditionalWrite } from '@shared/store/commit';
import { IdempotencyKeyReuseError, IdempotencyRecordExistsError } from '@shared/store/errors';
import { eventWrites } from '@shared/store/items/event';
import { auditPut } from '@shared/store/items/audit';
import { partnerNameOf } from '@shared/store/items/partner';
import {
  completeAnswer,
  interpretRecord,
  lookupIdempotency,
  replayPointerPut,
  saveIdempotentResponse,
  type IdempotencyContext,
  type StoredResponse,
} from '@shared/store/idempotency';
import { cachedProgram } from '@shared/store/program';
import { withWriteRetries } from '@shared/store/retry';
import { keyAfterHooks, scheduleKeyAt } from '@shared/domain/time-rules';
import { newEventId } from '@shared/ids';
import { applyLots } from './lots';
import { applySegmentMemberships } from './segment-membership';
import { applyCampaigns, segmentEntries } from './campaign-effects';
import type { Caller, Outcome, UseCase } from './outcome';

/** How the caller's protocol records a result for idempotent replays (shared/http knows; the app does not). */
export type RecordResult<R> = (result: R) => StoredResponse;

export type Executed<R> =
  { replayed: false; result: R; events: DomainEvent[] } | { replayed: true; response: StoredResponse };

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

/**
 * Runs a use case: its `prepare` step (if any) makes the writes the decision needs first, then
 * `decide` gets fresh state and returns the outcome (pure rules live in shared/domain), writing
 * nothing; the outcome is committed as one transaction with the idempotency record.
 * Lost races re-run `prepare` and `decide`; a used idempotency key answers with the first response.
 */
export async function execute<R>(useCase: UseCase<R>, caller: Caller, record?: RecordResult<R>): Promise<Executed<R>> {
  const steps = await useCase(caller);
  const decide = typeof steps === 'function' ? steps : steps.decide;
  const prepare = typeof steps === 'function' ? undefined : steps.prepare;
  const { idempotency } = caller;
  if (idempotency && !record) throw new Error('an idempotent call needs a way to record its result');
  let actor: AuditRecord['actor'] | undefined;
  return withWriteRetries(async (): Promise<Executed<R>> => {
    const at = caller.now();
    const decision = await decide(at, prepare ? await prepare(at) : undefined);
    // Segment memberships follow the member as the write leaves it (before the lots: what acts on
    // entering a segment may credit points, which the lots then hold).
    await applySegmentMemberships(decision, at);
    // What campaigns give on those entries joins the same transaction (before the lots too).
    await applyCampaigns(decision, segmentEntries(decision), at, caller.partnerId);
    // Points lots: the lot items and the member's lot scalars join the same transaction.
    const decided = await applyLots(decision, at);
    scheduleMembers(decided);
    const recorded =
      idempotency && record
        ? { context: idempotency, response: record(decided.replayResult ?? decided.result) }
        : undefined;
    const events = eventsOf(decided, at);
    const pointers = recorded ? keptAnswerPointers(decided, recorded.context, recorded.response, at) : [];
    // The audit record is one more item of the change's transaction: audited exactly when it happened.
    const audit = decided.audit ? [{ item: auditPut(decided.audit, (actor ??= await auditActor(caller)), at) }] : [];
    try {
      await commit(
        { members: decided.members, writes: [...decided.writes, ...eventWrites(events), ...pointers, ...audit] },
        recorded,
        at,
      );
    } catch (error) {
      if (error instanceof IdempotencyRecordExistsError && idempotency)
        return {
          replayed: true,
          response: await completeAnswer(idempotency, replayFromRecord(idempotency, caller.now(), error.record)),
        };
      throw error;
    }
    await decided.afterCommit?.();
    return { replayed: false, result: decided.result, events };
  });
}

/** Who an audit record names: the calling partner (or admin key) by id and name. */
export async function auditActor(caller: Pick<Caller, 'partnerId'>): Promise<AuditRecord['actor']> {
  return { partnerId: caller.partnerId, name: await partnerNameOf(caller.partnerId) };
}

/**
 * A kept answer that holds personal data (an enrolment's member view, an adjustment's reason)
 * is a copy erasure must reach: it leaves a pointer with the member it is about (the answer's
 * `memberId`, else every member the outcome writes), in the same transaction. Answers without
 * personal data (an earn, a redeem) cost nothing more.
 */
function keptAnswerPointers(
  decided: Pick<Outcome<unknown>, 'members'>,
  context: IdempotencyContext,
  response: StoredResponse,
  at: Date,
): ConditionalWrite[] {
  const body = keptBody(response);
  if (!holdsPersonalData(body)) return [];
  const about = (body as { memberId?: unknown } | undefined)?.memberId;
  const written = decided.members.map((write) => write.member.memberId);
  const members = typeof about === 'string' && written.includes(about) ? [about] : written;
  return members.map((memberId) => ({ item: replayPointerPut(memberId, context, at) }));
}

/** The body of a kept answer: its JSON text (an empty text is no body). */
function keptBody(response: StoredResponse): unknown {
  if (response.text === undefined) return response.body;
  try {
    return response.text === '' ? undefined : (JSON.parse(response.text) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Each member's schedule key with the program this instance holds (no read for it): exactly when
 * the time rules are next due, moved only earlier (shared/domain/time-rules.ts). Without a program
 * at hand, the store keys the member from the member alone (never later). A key the time job set
 * stays, unless the hooks brought a rule earlier.
 */
function scheduleMembers(decided: Pick<Outcome<unknown>, 'members'>): void {
  const program = cachedProgram();
  for (const write of decided.members) {
    if (!write.scheduleSet && !program) continue;
    const key = write.scheduleSet ? keyAfterHooks(write.member, program) : scheduleKeyAt(write.member, program);
    const { timeChangesCheckAt: _stored, ...member } = write.member;
    write.member = key === undefined ? member : { ...member, timeChangesCheckAt: key };
    write.scheduleSet = true;
  }
}

/**
 * A kept answer with the personal fields taken out (erasure): a replay after the member was
 * erased answers the first status and the first body without the person in it.
 */
export function redactedAnswer(response: StoredResponse): StoredResponse {
  const body = keptBody(response);
  return body === undefined ? response : { status: response.status, text: JSON.stringify(withoutPersonalData(body)) };
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

/**
 * A refusal (a DomainError found after reading state) kept under the caller's Idempotency-Key, so
 * that a retry answers the same though the state moved on. Nothing else is written with it: a
 * refusal has no effect. When another request with the key was first, its response is the answer
 * (a replay), or IdempotencyKeyReuseError for a different request; what the failed write returned
 * says which, without reading the record again.
 */
export async function keepRefusal(idempotency: IdempotencyContext, refusal: StoredResponse, now: Date): Promise<Kept> {
  const found = await saveIdempotentResponse(idempotency, refusal, now);
  if (found.kind === 'mismatch') throw new IdempotencyKeyReuseError();
  if (found.kind === 'replay') return { replayed: true, response: found.response };
  // Saved, or the first record expired meanwhile: this refusal is the answer.
  return { replayed: false };
}

/** What became of a refusal kept for replays: kept now, or the first response of the key. */
export type Kept = { replayed: false } | { replayed: true; response: StoredResponse };

/** Executes a use case that has no idempotency key (jobs, PUT routes) and returns its result. */
export async function executeOnce<R>(useCase: UseCase<R>, caller: Omit<Caller, 'idempotency'>): Promise<R> {
  const executed = await execute(useCase, { ...caller, idempotency: undefined });
  if (executed.replayed) throw new Error('a call without an idempotency key cannot be a replay');
  return executed.result;
}

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

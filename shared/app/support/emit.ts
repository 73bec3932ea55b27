import type { EventType } from '@shared/domain/events';
import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { tierChangeOfWrite } from '@shared/domain/time-changes';
import { toTransaction } from '@shared/domain/transaction-view';
import type { ProgramRules } from '@shared/schemas/program';
import type { EmittedEvent } from './outcome';

/** The events use cases emit, built one way: `data` of a ledger event is the transaction as the API shows it. */

export function transactionEvent(type: EventType, entry: LedgerEntry): EmittedEvent {
  return { type, memberId: entry.memberId, data: toTransaction(entry) };
}

/**
 * A write that moves qualifying spend: the member with its tier mark brought up to date, and
 * `tier.changed` when the tier receivers last heard of is not the one after the write (see
 * shared/domain/time-changes.ts `tierChangeOfWrite`; none otherwise).
 */
export function tierChanged(
  program: Pick<ProgramRules, 'tiers'>,
  before: MemberState,
  after: MemberState,
  now: Date,
): { member: MemberState; events: EmittedEvent[] } {
  const { mark, change } = tierChangeOfWrite(program, before, after, now);
  return {
    member: { ...after, tierMark: mark },
    events: change ? [{ type: 'tier.changed', memberId: before.memberId, data: { ...change } }] : [],
  };
}

import type { EventType } from '@shared/domain/events';
import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { tierChange } from '@shared/domain/tiers';
import { toTransaction } from '@shared/domain/transaction-view';
import type { ProgramRules } from '@shared/schemas/program';
import type { EmittedEvent } from './use-case';

/** The events use cases emit, built one way: `data` of a ledger event is the transaction as the API shows it. */

export function transactionEvent(type: EventType, entry: LedgerEntry): EmittedEvent {
  return { type, memberId: entry.memberId, data: toTransaction(entry) };
}

/** `tier.changed` when the write moved the member's tier (none otherwise). */
export function tierChangedEvents(
  program: Pick<ProgramRules, 'tiers'>,
  before: MemberState,
  after: MemberState,
  now: Date,
): EmittedEvent[] {
  const change = tierChange(program, before, after, now);
  return change ? [{ type: 'tier.changed', memberId: before.memberId, data: { ...change } }] : [];
}

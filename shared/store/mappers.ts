import type { LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { keys } from './keys';

/** Item ↔ domain mappers: the only code that knows which attributes an item has. */
type Item = Record<string, unknown>;

export function memberToItem(member: MemberState): Item {
  return { ...keys.member(member.memberId), entity: 'member', ...member };
}

export function itemToMember(item: Item): MemberState {
  const { PK: _pk, SK: _sk, entity: _entity, GSI1PK: _g1, GSI1SK: _g1s, GSI2PK: _g2, GSI2SK: _g2s, ...member } = item;
  return member as unknown as MemberState;
}

export function ledgerEntryToItem(entry: LedgerEntry): Item {
  return { ...keys.ledgerEntry(entry.memberId, entry.sequence, entry.index), entity: 'ledger', ...entry };
}

export function itemToLedgerEntry(item: Item): LedgerEntry {
  const { PK: _pk, SK: _sk, entity: _entity, GSI1PK: _g1, GSI1SK: _g1s, ...entry } = item;
  return entry as unknown as LedgerEntry;
}

import type { LedgerEntry } from '@shared/domain/ledger';
import type { NonMemberPurchaseFact, NpsAnswerFact } from '@shared/domain/metrics';
import type { OrderState } from '@shared/domain/order';
import { readActivity } from './activity';
import type { Item } from './item';
import { itemToEntryWithoutBreakdown } from './items/ledger-entry';
import { itemToNpsAnswer } from './items/nps-answer';
import { itemToOrder } from './items/order';
import { itemToPurchase } from './items/purchase';
import { itemToEnrolment } from './items/referral-code';

/** A fact of the recorded activity, decoded by its item's own module. */
export type RecordedActivity =
  | { kind: 'enrolment'; enrolment: { memberId: string; createdAt: string } }
  /** Only an imported order is on the index: a live one is known by the entry that created it. */
  | { kind: 'imported-order'; order: OrderState }
  | { kind: 'purchase'; purchase: NonMemberPurchaseFact }
  | { kind: 'nps'; answer: NpsAnswerFact }
  | { kind: 'ledger'; entry: Omit<LedgerEntry, 'breakdown'> };

function decodeRecorded(item: Item): RecordedActivity[] {
  switch (item.entity) {
    // One referral-code claim is written with each enrolment (and only then).
    case 'referral-code':
      return [{ kind: 'enrolment', enrolment: itemToEnrolment(item) }];
    case 'order':
      return [{ kind: 'imported-order', order: itemToOrder(item) }];
    case 'purchase':
      return [{ kind: 'purchase', purchase: itemToPurchase(item) }];
    case 'nps':
      return [{ kind: 'nps', answer: itemToNpsAnswer(item) }];
    case 'ledger':
      return [{ kind: 'ledger', entry: itemToEntryWithoutBreakdown(item) }];
    default:
      return [];
  }
}

/** Every fact recorded in [from, to), in time order, as values (what the metrics job reads). */
export async function readRecorded(from: string, to: string): Promise<RecordedActivity[]> {
  return (await readActivity(from, to)).flatMap(decodeRecorded);
}

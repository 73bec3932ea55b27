import { memberView } from '@shared/domain/member-view';
import { toTransaction } from '@shared/domain/transaction-view';
import { itemToLedgerEntry } from '@shared/store/items/ledger-entry';
import { itemToNpsAnswer } from '@shared/store/items/nps-answer';
import { itemToOrder } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { listLedger, memberItems } from '@shared/store/queries';
import { lotPoints } from './lots';
import { loadActiveMember } from './use-case';

/** The reads about one member: each checks the member exists and is not erased first. */

export async function getMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now), currentProgram()]);
  return memberView(member, program, now, await lotPoints(member, now));
}

/** A member's ledger, newest first; a pending credit whose hold has ended shows as available. */
export async function listTransactions(
  memberId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
) {
  await loadActiveMember(memberId, now);
  const found = await listLedger(memberId, page.limit, page.cursor);
  return { ...found, items: found.items.map((entry) => toTransaction(entry, now)) };
}

/** The member's right of access: profile, consent and balances, the whole ledger (newest first), orders and survey answers. */
export async function exportMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now), currentProgram()]);
  const items = await memberItems(memberId);
  const transactions = items
    .filter((item) => item.entity === 'ledger')
    .map(itemToLedgerEntry)
    .reverse()
    .map((entry) => toTransaction(entry, now));
  const orders = items
    .filter((item) => item.entity === 'order')
    .map(itemToOrder)
    .map((order) => ({
      orderId: order.orderId,
      amount: { value: Number(order.amount), currency: order.currency },
      refunded: { value: Number(order.refunded ?? 0), currency: order.currency },
      occurredAt: order.occurredAt,
    }));
  const npsAnswers = items
    .filter((item) => item.entity === 'nps')
    .map((item) => {
      const { score, answeredAt, comment } = itemToNpsAnswer(item);
      return { score, answeredAt, ...(comment !== undefined ? { comment } : {}) };
    });
  return { member: memberView(member, program, now, await lotPoints(member, now)), transactions, orders, npsAnswers };
}

import { DomainError } from '@shared/domain/errors';
import { normaliseEmail } from '@shared/domain/member';
import { memberView } from '@shared/domain/member-view';
import { toTransaction } from '@shared/domain/transaction-view';
import { itemToLedgerEntry } from '@shared/store/items/ledger-entry';
import { itemToNpsAnswer } from '@shared/store/items/nps-answer';
import { itemToOrder } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { findLedgerEntry, listLedger, memberItems } from '@shared/store/queries';
import { batchGet } from '@shared/store/batch-get';
import { memberIdsForEmail } from '@shared/store/items/email';
import { memberIdForExternalId } from '@shared/store/items/external-id';
import { itemToMember, memberKey } from '@shared/store/items/member';
import { lotPoints } from '../support/lots';
import { loadActiveMember } from '../support/load';

/** The reads about one member: each checks the member exists and is not erased first. */

export async function getMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now, { lots: true }), currentProgram()]);
  return memberView(member, program, now, await lotPoints(member, now));
}

/** A member's ledger, newest first; a pending credit whose hold has ended shows as available. */
export async function listTransactions(
  memberId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
) {
  // In parallel (one round trip): the ledger read is only answered once the member is known to be active.
  const [, found] = await Promise.all([loadActiveMember(memberId, now), listLedger(memberId, page.limit, page.cursor)]);
  return { ...found, items: found.items.map((entry) => toTransaction(entry, now)) };
}

/** One ledger entry of the member (404 when the member has no such entry). */
export async function getTransaction(memberId: string, transactionId: string, now: Date) {
  await loadActiveMember(memberId, now);
  const entry = await findLedgerEntry(memberId, transactionId);
  if (!entry) throw new DomainError('transaction-not-found', `Member ${memberId} has no transaction ${transactionId}.`);
  return toTransaction(entry, now);
}

/**
 * Members by external id (0 or 1) or by email (case-insensitive; 0 or more): one GetItem on
 * the claim, then the members it names. Erasure removes the claims, so no erased member shows.
 */
export async function findMembers(filter: { externalId?: string | undefined; email?: string | undefined }, now: Date) {
  const memberIds =
    filter.externalId !== undefined
      ? [await memberIdForExternalId(filter.externalId)].filter((id): id is string => id !== undefined)
      : filter.email !== undefined
        ? await memberIdsForEmail(normaliseEmail(filter.email))
        : [];
  if (memberIds.length === 0) return { items: [] };
  const [items, program] = await Promise.all([batchGet(memberIds.map(memberKey)), currentProgram()]);
  const members = items
    .map(itemToMember)
    .filter((member) => member.status === 'active')
    .sort((a, b) => a.memberId.localeCompare(b.memberId));
  return {
    items: await Promise.all(
      members.map(async (member) => memberView(member, program, now, await lotPoints(member, now))),
    ),
  };
}

/** The member's right of access: profile, consent and balances, the whole ledger (newest first), orders and survey answers. */
export async function exportMember(memberId: string, now: Date) {
  const [member, program] = await Promise.all([loadActiveMember(memberId, now, { lots: true }), currentProgram()]);
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
  const consentHistory = member.consentHistory ?? [];
  return {
    member: memberView(member, program, now, await lotPoints(member, now)),
    transactions,
    orders,
    npsAnswers,
    consentHistory,
  };
}

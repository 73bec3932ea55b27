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
import { DAY_MS } from '@shared/domain/time';
import { enrolmentsOfDay } from '@shared/store/activity';
import { decodeCursor, encodeCursor } from '@shared/store/cursor';
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

/** Days of enrolments one request reads at most: a page's cost stays bounded however sparse the range. */
const MEMBER_LIST_DAYS_PER_PAGE = 31;
const MEMBER_LIST_DEFAULT_DAYS = 400;
/** Days read together: 8 shards each, so 64 queries in flight, then taken newest first. */
const MEMBER_LIST_DAYS_AT_ONCE = 8;

/**
 * The next `count` UTC days going back from `before` (an index sort key, exclusive), each as the
 * window [start, before) of that day, none before `fromKey`. A key at midnight belongs to the day before.
 */
function dayWindows(before: string, fromKey: string, count: number) {
  const windows: { day: string; start: string; before: string }[] = [];
  let upper = before;
  while (windows.length < count && upper > fromKey) {
    const date = new Date(upper.slice(0, 24));
    if (upper <= `${upper.slice(0, 10)}T00:00:00.000Z#`) date.setTime(date.getTime() - 1);
    const day = date.toISOString().slice(0, 10);
    const dayStart = `${day}T00:00:00.000Z#`;
    const start = dayStart > fromKey ? dayStart : fromKey;
    windows.push({ day, start, before: upper });
    upper = start;
  }
  return windows;
}

/**
 * The members list (admin), newest enrolment first, optionally only those holding a tier now:
 * the enrolments of [from, to] read day by day backwards from the activity index — never a
 * Scan — then the members themselves. A request reads at most 31 days: a page may hold fewer
 * than `limit` members (even none) with a `nextCursor` to go on. Erased members are not listed
 * (erasure releases the claim the list reads).
 */
export async function listMembers(
  query: {
    limit: number;
    cursor?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    tier?: string | undefined;
  },
  now: Date,
) {
  // As the index writes them (milliseconds, Z), whatever RFC 3339 form the caller sent.
  const to = new Date(query.to ?? now).toISOString();
  const from = new Date(query.from ?? Date.parse(to) - MEMBER_LIST_DEFAULT_DAYS * DAY_MS).toISOString();
  const scope = { list: 'members', boundTo: [query.from, query.to, query.tier].map((v) => v ?? '').join('/') };
  const fromKey = `${from}#`;
  let before = query.cursor ? decodeCursor(query.cursor, scope) : `${to}#~`;
  const program = await currentProgram();
  const items: ReturnType<typeof memberView>[] = [];
  let daysRead = 0;
  while (daysRead < MEMBER_LIST_DAYS_PER_PAGE && before > fromKey) {
    // A few days at once (their queries in parallel), then taken newest first.
    const days = dayWindows(before, fromKey, Math.min(MEMBER_LIST_DAYS_AT_ONCE, MEMBER_LIST_DAYS_PER_PAGE - daysRead));
    const read = await Promise.all(days.map((d) => enrolmentsOfDay(d.day, d.start, d.before)));
    daysRead += days.length;
    for (const [index, enrolments] of read.entries()) {
      const stored = new Map(
        (await batchGet(enrolments.map((e) => memberKey(e.memberId)))).map(itemToMember).map((m) => [m.memberId, m]),
      );
      for (const enrolment of enrolments) {
        const member = stored.get(enrolment.memberId);
        if (!member || member.status !== 'active') continue;
        const view = memberView(member, program, now, await lotPoints(member, now));
        if (query.tier !== undefined && view.tier.id !== query.tier) continue;
        items.push(view);
        if (items.length === query.limit) return { items, nextCursor: encodeCursor(scope, enrolment.sortKey) };
      }
      before = days[index]?.start ?? before;
    }
  }
  return before > fromKey ? { items, nextCursor: encodeCursor(scope, before) } : { items };
}

import { previousWindow, type MemberOrderFact, type TimeWindow } from '@shared/domain/metrics';
import { readActivity } from './activity';
import { itemToNpsAnswer } from './items/nps-answer';
import { itemToOrder } from './items/order';
import { itemToPurchase } from './items/purchase';
import { readPurchaseFacts } from './running-totals';

/**
 * The facts of a snapshot's window and the one before it, read by when they HAPPENED (GSI1,
 * by occurredAt day), so a till that reports 90 days late is still counted in its window.
 * Aggregates only leave here: no comment, no personal data.
 */
export async function windowFacts(window: TimeWindow) {
  const items = await readActivity('occurred', previousWindow(window).from, window.to);
  const memberOrders: MemberOrderFact[] = items
    .filter((item) => item.entity === 'order')
    .map(itemToOrder)
    .map((order) => ({
      memberId: order.memberId,
      orderId: order.orderId,
      occurredAt: order.occurredAt,
      amount: Number(order.amount),
      refunded: Number(order.refunded ?? 0),
    }));
  const nonMemberPurchases = items.filter((item) => item.entity === 'purchase').map(itemToPurchase);
  // Only what the score needs: a comment never leaves the answer item.
  const npsAnswers = items
    .filter((item) => item.entity === 'nps')
    .map((item) => {
      const { comment: _comment, ...answer } = itemToNpsAnswer(item);
      return answer;
    });
  const activeMembers = [
    ...new Set(memberOrders.filter((order) => order.occurredAt >= window.from).map((order) => order.memberId)),
  ].sort();
  const facts = await readPurchaseFacts(activeMembers);
  const firstPurchaseAt = new Map(activeMembers.map((memberId) => [memberId, facts.get(memberId)?.firstAt]));
  return { memberOrders, nonMemberPurchases, npsAnswers, firstPurchaseAt };
}

import { basketOf } from '@shared/domain/basket-earn';
import { historyBasket } from '@shared/domain/basket-order';
import { eligibleLinesTotal, floorProduct, paidShare } from '@shared/domain/basket-rules';
import { DomainError } from '@shared/domain/errors';
import { assertCurrency } from '@shared/domain/money';
import { MAX_CLOCK_SKEW_MS, newOrder, recordPurchase, type OrderState } from '@shared/domain/order';
import { tierBeforePurchase } from '@shared/domain/tiers';
import type { PurchaseImportLine } from '@shared/schemas/imports';
import { memberIdForExternalId } from '@shared/store/items/external-id';
import { findOrder, orderPut } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { tierChanged } from './support/emit';
import { loadActiveMember } from './support/load';
import { memberChange, outcome, type UseCase } from './support/outcome';

/**
 * An imported purchase: history only. The order is stored (the metrics job counts it at its
 * occurredAt) and the member's purchase facts move (tiers, first/last purchase), but it earns
 * nothing and posts no ledger entry. The order item's create condition makes it idempotent:
 * an order already stored for the member (imported, or earned live) is `duplicate-order`.
 * Unlike a live purchase, history may be older than 90 days; it may not be in the future.
 * It earns nothing, so it emits no `points.*` event; when the history moves the member's tier,
 * `tier.changed` is emitted in the same transaction.
 */
export function importPurchase(line: PurchaseImportLine): UseCase<{ memberId: string; orderId: string }> {
  return async () => {
    const program = await currentProgram();
    assertCurrency(line.amount, program.currency, 'amount');
    return async (now) => {
      const occurredAt = new Date(line.occurredAt);
      if (occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS)
        throw new DomainError('occurred-at-out-of-range', 'occurredAt is in the future.', [
          { path: 'occurredAt', message: 'must not be more than 5 minutes ahead of now' },
        ]);
      const memberId = await memberIdForExternalId(line.externalId);
      if (!memberId)
        throw new DomainError('member-not-found', "No member has this line's externalId.", [
          { path: 'externalId', message: 'no member was enrolled or imported with this externalId' },
        ]);
      const [member, existing] = await Promise.all([
        loadActiveMember(memberId, now, { lots: true }),
        findOrder(memberId, line.orderId),
      ]);
      const duplicate = () => new DomainError('duplicate-order', `Order ${line.orderId} was already recorded.`);
      if (existing) throw duplicate();
      const order: OrderState = {
        ...newOrder(memberId, line.orderId, line.amount, occurredAt.toISOString(), now),
        imported: true,
      };
      // Its basket, when the line carries one, is kept like a live order's (lines, channel, store).
      if (line.lines || line.tenders || line.channel !== undefined || line.storeId !== undefined) {
        const basket = basketOf(line, order.occurredAt);
        const tenders = line.tenders?.map((tender) => ({ type: tender.type, amount: tender.amount.value }));
        const share = paidShare(program.earn.exclude, basket, tenders);
        order.basket = historyBasket({
          programVersion: program.version,
          basket,
          share,
          eligible: floorProduct([eligibleLinesTotal(program.earn.exclude, basket), share.num], share.den),
          tierId: tierBeforePurchase(program, member, undefined, now).id,
        });
      }
      const moved = tierChanged(program, member, recordPurchase(member, order, now, line.channel), now);
      return outcome(
        { memberId, orderId: line.orderId },
        {
          members: [memberChange(member, moved.member, [])],
          writes: [{ item: orderPut(order, 0), onConditionFailed: duplicate }],
          events: moved.events,
        },
      );
    };
  };
}

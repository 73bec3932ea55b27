import { DomainError } from '@shared/domain/errors';
import type { Money } from '@shared/domain/money';
import { resolveOccurredAt } from '@shared/domain/order';
import { purchasePut } from '@shared/store/items/purchase';
import { programForAmount } from './support/program';
import { outcome, type UseCase } from './support/outcome';

/** Records a purchase by a customer who is not a member; an orderId is recorded once (a duplicate after). */
export function recordAnonymousPurchase(purchase: {
  orderId: string;
  amount: Money;
  occurredAt?: string | undefined;
}): UseCase<{ orderId: string; amount: Money; occurredAt: string }> {
  return async (caller) => {
    await programForAmount(purchase.amount);
    return (now) => {
      const occurredAt = resolveOccurredAt(purchase.occurredAt, now);
      const item = purchasePut({
        orderId: purchase.orderId,
        occurredAt,
        amount: purchase.amount.value,
        currency: purchase.amount.currency,
        recordedAt: now.toISOString(),
        partnerId: caller.partnerId,
      });
      return outcome(
        { orderId: purchase.orderId, amount: purchase.amount, occurredAt },
        {
          writes: [
            {
              item,
              onConditionFailed: () =>
                new DomainError('duplicate-order', `Order ${purchase.orderId} was already recorded.`),
            },
          ],
        },
      );
    };
  };
}

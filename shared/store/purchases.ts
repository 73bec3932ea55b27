import { DomainError } from '@shared/domain/errors';
import type { NonMemberPurchaseFact } from '@shared/domain/metrics';
import { assertCurrency, type Money } from '@shared/domain/money';
import { resolveOccurredAt } from '@shared/domain/order';
import { store } from './client';
import { keys } from './keys';
import { runCommand, type CommandResult } from './members';
import type { Caller } from './points';
import { currentProgram } from './program';

/** A non-member's purchase item: kept only for metrics (non-member average order value). */
export function purchaseToItem(
  purchase: NonMemberPurchaseFact & { currency: string; recordedAt: string; partnerId: string },
): Record<string, unknown> {
  return {
    ...keys.anonymousPurchase(purchase.orderId),
    entity: 'purchase',
    ...purchase,
    ...keys.activity('occurred', purchase.occurredAt, purchase.orderId),
  };
}

export function itemToPurchase(item: Record<string, unknown>): NonMemberPurchaseFact {
  return { orderId: String(item.orderId), occurredAt: String(item.occurredAt), amount: Number(item.amount) };
}

/** Records a purchase by a customer who is not a member; an orderId is recorded once (409 after). */
export async function recordAnonymousPurchase(
  purchase: { orderId: string; amount: Money; occurredAt?: string | undefined },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  assertCurrency(purchase.amount, program.currency, 'body.amount');
  const { tableName } = store();
  return runCommand(caller.idempotency, caller.now, async (now) => {
    const occurredAt = resolveOccurredAt(purchase.occurredAt, now);
    const item = purchaseToItem({
      orderId: purchase.orderId,
      occurredAt,
      amount: purchase.amount.value,
      currency: purchase.amount.currency,
      recordedAt: now.toISOString(),
      partnerId: caller.partnerId,
    });
    return {
      members: [],
      writes: [
        {
          item: { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
          onConditionFailed: () =>
            new DomainError('duplicate-order', `Order ${purchase.orderId} was already recorded.`),
        },
      ],
      response: { status: 201, body: { orderId: purchase.orderId, amount: purchase.amount, occurredAt } },
    };
  });
}

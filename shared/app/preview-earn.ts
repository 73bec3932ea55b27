import { cashbackCredit } from '@shared/domain/cashback';
import { assertCurrency, type Money } from '@shared/domain/money';
import { tierBeforePurchase } from '@shared/domain/tiers';
import { findOrder } from '@shared/store/items/order';
import { currentProgram } from '@shared/store/program';
import { earnDecision } from './earn-points';
import { loadActiveMember } from './use-case';

export interface EarnPreview {
  points: number;
  breakdown: { rule: string; points: number }[];
  cashback: Money;
  tier: { id: string; name: string };
}

/**
 * What an earn would credit now, with nothing written: the same reads and the same decision
 * as the earn (`earnDecision`), so a duplicate order or an out-of-range time is refused alike.
 * `cashback` is what a cashback credit for the purchase would be at the member's tier.
 */
export async function previewEarn(
  memberId: string,
  purchase: { orderId: string; amount: Money; occurredAt?: string },
  now: Date,
): Promise<EarnPreview> {
  const program = await currentProgram();
  assertCurrency(purchase.amount, program.currency, 'body.amount');
  const [member, existing] = await Promise.all([
    loadActiveMember(memberId, now),
    findOrder(memberId, purchase.orderId),
  ]);
  const { order, earned } = earnDecision(program, member, existing, purchase, now);
  const credit = cashbackCredit(
    program,
    member,
    { order, recorded: existing !== undefined, amount: purchase.amount.value },
    now,
  );
  const tier = tierBeforePurchase(program, member, existing, now);
  return {
    points: earned.points,
    breakdown: earned.breakdown,
    cashback: { value: credit.credited - credit.reversed, currency: program.currency },
    tier: { id: tier.id, name: tier.name },
  };
}

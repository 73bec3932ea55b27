import { cashbackCredit } from '@shared/domain/cashback';
import type { Money } from '@shared/domain/money';
import { tierBeforePurchase } from '@shared/domain/tiers';
import { earnDecision } from '../earn-points';
import { programForAmount, type PurchaseReport } from '../support/program';
import { loadMemberAndOrder } from '../support/load';

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
export async function previewEarn(memberId: string, purchase: PurchaseReport, now: Date): Promise<EarnPreview> {
  const program = await programForAmount(purchase.amount);
  const { member, order: existing } = await loadMemberAndOrder(memberId, purchase.orderId, now);
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

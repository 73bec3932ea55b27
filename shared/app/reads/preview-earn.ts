import { cashbackCredit } from '@shared/domain/cashback';
import type { Money } from '@shared/domain/money';
import { tierBeforePurchase } from '@shared/domain/tiers';
import { earnDecision, loadForEarn } from '../earn-points';
import { programForAmount, type PurchaseReport } from '../support/program';

export interface EarnPreview {
  points: number;
  breakdown: { rule: string; points: number; lineIds?: string[] }[];
  nearMisses: { rule: string; missing: { amount?: Money; quantity?: number } }[];
  cashback: Money;
  tier: { id: string; name: string };
}

/**
 * What an earn would credit now, with nothing written: the same reads and the same decision
 * as the earn (`earnDecision`), so a duplicate order or an out-of-range time is refused alike.
 * `cashback` is what a cashback credit for the purchase would be at the member's tier. `nearMisses`:
 * the rules the basket nearly met (all but their minAmount or minQuantity), with what it lacks.
 */
export async function previewEarn(memberId: string, purchase: PurchaseReport, now: Date): Promise<EarnPreview> {
  const program = await programForAmount(purchase.amount);
  const { member, order: existing, ...budgets } = await loadForEarn(program, memberId, purchase, now);
  const { order, earned } = await earnDecision(program, member, existing, purchase, now, budgets);
  // Cashback, like base points, is computed on the eligible amount (excluded lines and tenders off).
  const credit = cashbackCredit(
    program,
    member,
    { order, recorded: existing !== undefined, amount: earned.eligibleAmount },
    now,
  );
  const tier = tierBeforePurchase(program, member, existing, now);
  return {
    points: earned.points,
    breakdown: earned.breakdown,
    nearMisses: earned.nearMisses.map(({ rule, missing }) => ({
      rule: `rule:${rule.id}`,
      missing: {
        ...(missing.amount !== undefined ? { amount: { value: missing.amount, currency: program.currency } } : {}),
        ...(missing.quantity !== undefined ? { quantity: missing.quantity } : {}),
      },
    })),
    cashback: { value: credit.credited - credit.reversed, currency: program.currency },
    tier: { id: tier.id, name: tier.name },
  };
}

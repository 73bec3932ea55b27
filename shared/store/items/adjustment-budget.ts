import type { TransactItem } from '../item';
import { boundedCounterAdd } from './bounded-counter';

/**
 * What one partner credited by adjustment on one UTC day (`credited` points), one item per
 * partner and day. Written in the adjustment's own transaction on the condition that it stays
 * within the day's budget, so concurrent adjustments can never together spend more than it.
 * Kept two days after its day (`ttl`), long enough to read back what a day spent.
 */
export const adjustmentBudgetKey = (partnerId: string, day: string) => ({
  PK: `ADJUSTBUDGET#${partnerId}#${day}`,
  SK: 'BUDGET',
});

const TWO_DAYS_SECONDS = 2 * 24 * 60 * 60;

export function adjustmentBudgetDraw(
  partnerId: string,
  day: string,
  points: number,
  dailyBudget: number,
): TransactItem {
  return boundedCounterAdd({
    key: adjustmentBudgetKey(partnerId, day),
    counter: 'credited',
    amount: points,
    most: dailyBudget,
    entity: 'adjustment-budget',
    set: { ttl: Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + TWO_DAYS_SECONDS },
    // The refusal says how much of the day's budget is left.
    returnOldOnRefusal: true,
  });
}

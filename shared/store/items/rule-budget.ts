import { BUDGET_SHARDS, shardAllotment } from '@shared/domain/rule-budget';
import { store } from '../client';
import { getItem } from '../get';
import { pad } from '../keys';
import type { TransactItem } from '../item';
import { boundedCounterAdd } from './bounded-counter';

/**
 * A shard of a rule's points budget (shared/domain/rule-budget.ts): `given`, the points this
 * shard gave. A rule's shards share a partition per shard (`RULEBUDGET#<ruleId>#<shard>`), so
 * concurrent draws on different shards never touch one item, nor one partition.
 */
export const ruleBudgetKey = (ruleId: string, shard: number) => ({
  PK: `RULEBUDGET#${ruleId}#${pad(shard, 2)}`,
  SK: 'BUDGET',
});

/**
 * What each shard of the rules' budgets gave, by rule id (`undefined`: a shard not asked for).
 * Read in the turn the use case reads
 * its member, so the reads go out with it (one round trip); eventually consistent: a stale
 * shard only makes the draw's condition fail, and the earn is decided again on fresh reads.
 */
export async function findBudgetsGiven(
  ruleIds: readonly string[],
  shards: readonly number[] = Array.from({ length: BUDGET_SHARDS }, (_, shard) => shard),
): Promise<Map<string, (number | undefined)[]>> {
  const reads = ruleIds.map(async (ruleId) => {
    const given: (number | undefined)[] = Array.from({ length: BUDGET_SHARDS }, () => undefined);
    await Promise.all(
      shards.map(async (shard) => {
        const item = await getItem(ruleBudgetKey(ruleId, shard), { consistent: false });
        given[shard] = Number(item?.given ?? 0);
      }),
    );
    return [ruleId, given] as const;
  });
  return new Map(await Promise.all(reads));
}

/**
 * Adds a draw to a shard on the condition that it stays within the shard's allotment: two
 * earns can never both take a shard's last points (the loser is decided again).
 */
export function budgetDrawUpdate(ruleId: string, budget: number, shard: number, points: number): TransactItem {
  return boundedCounterAdd({
    key: ruleBudgetKey(ruleId, shard),
    counter: 'given',
    amount: points,
    most: shardAllotment(budget, shard),
    entity: 'rule-budget',
  });
}

/** Gives points back to a shard (a refund took them from the rule). */
export function budgetReturnUpdate(ruleId: string, shard: number, points: number): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: ruleBudgetKey(ruleId, shard),
      UpdateExpression: 'SET given = given - :points',
      ConditionExpression: 'attribute_exists(given)',
      ExpressionAttributeValues: { ':points': points },
    },
  };
}

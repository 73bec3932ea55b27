/**
 * A rule's `budgetPoints` is a counter many concurrent earns draw on, so it is sharded: the
 * budget is split over BUDGET_SHARDS items (shard i may give `shardAllotment(budget, i)`), each
 * remembering what it gave. An earn reads every shard of the rules it could get (in the same
 * round trip as the member), starts at a random shard and draws what it needs from it (the
 * next shards only when that one runs short); its transaction adds the draw to each shard on
 * the condition that the shard stays within its allotment. Concurrent earns thus spread over
 * 16 items instead of queueing on one, and the sum of the shards can never pass the budget:
 * a draw whose condition fails is decided again on fresh shards.
 */
export const BUDGET_SHARDS = 16;

/** Shard i's part of the budget: an even split, the first `budget mod shards` shards one point more. */
export function shardAllotment(budget: number, shard: number): number {
  return Math.floor(budget / BUDGET_SHARDS) + (shard < budget % BUDGET_SHARDS ? 1 : 0);
}

/** What each shard has left, given what each gave (missing: nothing yet). A smaller new budget leaves 0, never less. */
export function shardsLeft(budget: number, given: readonly (number | undefined)[]): number[] {
  return Array.from({ length: BUDGET_SHARDS }, (_, shard) =>
    Math.max(0, shardAllotment(budget, shard) - (given[shard] ?? 0)),
  );
}

export const budgetLeft = (budget: number, given: readonly (number | undefined)[]) =>
  shardsLeft(budget, given).reduce((sum, left) => sum + left, 0);

/** One draw on a shard: [shard, points]. */
export type BudgetDraw = [shard: number, points: number];

/**
 * Draws `points` (at most what is left) from the shards, starting at `start` and going round:
 * usually one shard, more only when a shard runs short.
 */
export function drawBudget(
  budget: number,
  given: readonly (number | undefined)[],
  points: number,
  start: number,
): BudgetDraw[] {
  const left = shardsLeft(budget, given);
  const draws: BudgetDraw[] = [];
  let wanted = points;
  for (let step = 0; step < BUDGET_SHARDS && wanted > 0; step += 1) {
    const shard = (start + step) % BUDGET_SHARDS;
    const take = Math.min(wanted, left[shard] ?? 0);
    if (take > 0) {
      draws.push([shard, take]);
      wanted -= take;
    }
  }
  return draws;
}

/**
 * Gives `points` back (a refund took them from the rule), latest draws first; returns what
 * goes back to each shard and the draws the order still holds.
 */
export function returnToBudget(
  draws: readonly BudgetDraw[],
  points: number,
): { returned: BudgetDraw[]; kept: BudgetDraw[] } {
  const returned: BudgetDraw[] = [];
  const kept: BudgetDraw[] = [];
  let rest = points;
  for (const [shard, drawn] of [...draws].reverse()) {
    const back = Math.min(rest, drawn);
    rest -= back;
    if (back > 0) returned.push([shard, back]);
    if (drawn - back > 0) kept.unshift([shard, drawn - back]);
  }
  return { returned, kept };
}

/**
 * A rule's `budgetPoints` is a counter many concurrent earns draw on, so it is sharded: the
 * budget is split over BUDGET_SHARDS items (shard i may give `shardAllotment(budget, i)`), each
 * remembering what it gave. An earn reads SHARDS_READ_FIRST shards from a random one on (in the
 * same round trip as the member) and draws what it needs from the first of them (the next only
 * when that one runs short); only when those cannot give what the rule would (the budget's last
 * points) does it read every shard and decide again. Its transaction adds the draw to each shard
 * on the condition that the shard stays within its allotment. Concurrent earns thus spread over
 * 16 items instead of queueing on one, and the sum of the shards can never pass the budget: a
 * draw whose condition fails is decided again on fresh shards.
 */
export const BUDGET_SHARDS = 16;

/** Shard i's part of the budget: an even split, the first `budget mod shards` shards one point more. */
export function shardAllotment(budget: number, shard: number): number {
  return Math.floor(budget / BUDGET_SHARDS) + (shard < budget % BUDGET_SHARDS ? 1 : 0);
}

/** Shards an earn reads first: a few, from a random one on; all of them only when those run short. */
export const SHARDS_READ_FIRST = 4;

/** The shards read first from `start`: `start`, `start + 1`, … (mod BUDGET_SHARDS). */
export const firstShards = (start: number) =>
  Array.from({ length: SHARDS_READ_FIRST }, (_, step) => (start + step) % BUDGET_SHARDS);

/**
 * What each shard has left, given what each gave (`undefined`: a shard not read, counted as
 * having nothing to give). A smaller new budget leaves 0, never less.
 */
export function shardsLeft(budget: number, given: readonly (number | undefined)[]): number[] {
  return Array.from({ length: BUDGET_SHARDS }, (_, shard) => {
    const gave = given[shard];
    return gave === undefined ? 0 : Math.max(0, shardAllotment(budget, shard) - gave);
  });
}

/** Whether every shard was read (else a cap from them may be below what the budget has left). */
export const allShardsRead = (given: readonly (number | undefined)[]) =>
  Array.from({ length: BUDGET_SHARDS }, (_, shard) => given[shard]).every((gave) => gave !== undefined);

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

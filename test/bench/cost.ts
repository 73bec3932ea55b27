/**
 * AWS list prices (us-east-1, on-demand, as published in 2025; infra/README.md states them too) and
 * what a request costs with them.
 */
export const PRICES = {
  /** DynamoDB on-demand, standard table class: per million write / read request units. */
  dynamoWruPerMillion: 0.625,
  dynamoRruPerMillion: 0.125,
  dynamoStorageGbMonth: 0.25,
  /** Lambda on arm64: per GB-second, per million requests. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  /** API Gateway REST API, first 333 million requests a month. */
  apiGatewayRestPerMillion: 3.5,
} as const;

/** Memory of the API functions and the jobs in the stack (MB). */
export const API_FUNCTION_MEMORY_MB = 1024;
/** Assumed in-region DynamoDB latency per round trip on AWS (ms): Lambda bills the wait. */
export const DYNAMO_ROUND_TRIP_MS = 5;

export interface OpCost {
  dynamo: number;
  lambda: number;
  apiGateway: number;
  total: number;
  lambdaMs: number;
}

/** USD per million requests of one operation (the authorizer is left out: API Gateway caches it per key). */
export function costPerMillion(op: { wru: number; rru: number; roundTrips: number; ownMs: number }): OpCost {
  const dynamo = op.wru * PRICES.dynamoWruPerMillion + op.rru * PRICES.dynamoRruPerMillion;
  // Lambda bills each invocation rounded up to the millisecond.
  const lambdaMs = Math.ceil(op.ownMs + op.roundTrips * DYNAMO_ROUND_TRIP_MS);
  const lambda =
    (lambdaMs / 1000) * (API_FUNCTION_MEMORY_MB / 1024) * PRICES.lambdaGbSecond * 1_000_000 +
    PRICES.lambdaRequestsPerMillion;
  const apiGateway = PRICES.apiGatewayRestPerMillion;
  const round = (n: number) => Number(n.toFixed(3));
  return {
    dynamo: round(dynamo),
    lambda: round(lambda),
    apiGateway,
    total: round(dynamo + lambda + apiGateway),
    lambdaMs,
  };
}

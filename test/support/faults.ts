import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { StoreConfig } from '@shared/store/client';

/**
 * A document client that forwards everything to the real DynamoDB Local, but makes the
 * next `count` calls of a kind fail the way real DynamoDB does under contention or load.
 * DynamoDB Local never raises TransactionConflict; this is how its handling is proven.
 */
export interface FaultPlan {
  /** Command class name to fail, e.g. 'TransactWriteCommand'. */
  command: string;
  count: number;
  error: () => Error;
}

export function transactionConflict(itemCount = 3): Error {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
    $metadata: {},
    CancellationReasons: Array.from({ length: itemCount }, (_, i) => ({
      Code: i === 0 ? 'TransactionConflict' : 'None',
    })),
  });
}

export function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ThrottlingException',
    $metadata: {},
  });
}

export function withFaults(
  store: StoreConfig,
  plans: FaultPlan[],
): StoreConfig & { calls: Record<string, number>; injected: number } {
  const calls: Record<string, number> = {};
  const state = { injected: 0 };
  const client = new Proxy(store.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { constructor: { name: string } }): Promise<unknown> => {
        const name = command.constructor.name;
        calls[name] = (calls[name] ?? 0) + 1;
        const plan = plans.find((p) => p.command === name && p.count > 0);
        if (plan) {
          plan.count -= 1;
          state.injected += 1;
          throw plan.error();
        }
        return target.send(command as never);
      };
    },
  });
  return {
    client,
    tableName: store.tableName,
    calls,
    get injected() {
      return state.injected;
    },
  };
}

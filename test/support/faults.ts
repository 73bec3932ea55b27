import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  /** Calls of that kind that go through before the faults start (default 0). */
  after?: number;
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
        if (plan?.after) plan.after -= 1;
        else if (plan) {
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

/**
 * A document client over the real engine whose calls of the given kinds (all, by default)
 * hang while `stalled` is on, like a database that stopped answering or a proxy that stopped
 * forwarding. When released, the held calls go on to DynamoDB Local: a write the API already
 * gave up on may still commit, as it can on AWS.
 */
export function withStall(
  store: StoreConfig,
  commands?: string[],
): StoreConfig & { stall: () => void; release: () => void; held: () => number } {
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let held = 0;
  const client = new Proxy(store.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { constructor: { name: string } }) => {
        if (gate && (!commands || commands.includes(command.constructor.name))) {
          held += 1;
          await gate.promise;
        }
        return target.send(command as never);
      };
    },
  }) as DynamoDBDocumentClient;
  return {
    client,
    tableName: store.tableName,
    stall: () => {
      if (gate) return;
      let open = () => undefined as void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release: () => {
      gate?.open();
      gate = undefined;
    },
    held: () => held,
  };
}

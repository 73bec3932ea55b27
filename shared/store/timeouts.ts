import { currentDeadline } from '@shared/deadline';
import { StorageBusyError } from './errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Every DynamoDB call gets a timeout of its own and ends no later than the request's
 * deadline. A stalled call is aborted (the SDK drops the HTTP request) and raced, so the
 * caller gets a StorageBusyError (503 + Retry-After) even from a client that ignores the
 * signal. An aborted write may still have committed: the idempotency record it carries
 * makes the caller's retry with the same key a replay, never a second effect.
 */
export const DEFAULT_CALL_TIMEOUT_MS = 3_000;

/** Read at each call so a test (or an operator) can tighten it without rebuilding the client. */
export function callTimeoutMs(): number {
  const configured = Number(process.env.DYNAMODB_CALL_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_CALL_TIMEOUT_MS;
}

const timed = new WeakSet<object>();

type SendOptions = { abortSignal?: AbortSignal } & Record<string, unknown>;

function busy(command: string, why: 'timeout' | 'deadline', cause?: unknown): StorageBusyError {
  const detail =
    why === 'deadline'
      ? 'The request ran out of time waiting for storage'
      : `Storage did not answer ${command} in time`;
  return new StorageBusyError(`${detail}; retry shortly with the same Idempotency-Key.`, 1, { cause });
}

/** The store's config with its client wrapped (./client.ts applies it to whatever client it is given). */
export function withTimeouts<C extends { client: DynamoDBDocumentClient }>(config: C): C {
  if (timed.has(config.client)) return config;
  const client = new Proxy(config.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { constructor: { name: string } }, options: SendOptions = {}) => {
        const name = command.constructor.name;
        const deadline = currentDeadline();
        if (deadline?.signal.aborted) throw busy(name, 'deadline');
        const timeout = AbortSignal.timeout(callTimeoutMs());
        const signals = [
          timeout,
          ...(deadline ? [deadline.signal] : []),
          ...(options.abortSignal ? [options.abortSignal] : []),
        ];
        const signal = AbortSignal.any(signals);
        let onAbort: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () => reject(busy(name, deadline?.signal.aborted ? 'deadline' : 'timeout', signal.reason));
          signal.addEventListener('abort', onAbort, { once: true });
        });
        try {
          return await Promise.race([target.send(command as never, { ...options, abortSignal: signal }), aborted]);
        } catch (error) {
          // The SDK's own AbortError once our signal fired: the same busy answer.
          if (signal.aborted && !(error instanceof StorageBusyError))
            throw busy(name, deadline?.signal.aborted ? 'deadline' : 'timeout', error);
          throw error;
        } finally {
          if (onAbort) signal.removeEventListener('abort', onAbort);
        }
      };
    },
  });
  timed.add(client);
  return { ...config, client };
}

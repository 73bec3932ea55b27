import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { deadlinePassed, currentDeadline, runWithDeadline } from '@shared/deadline';
import { logger } from '@shared/observability';
import { StorageBusyError } from '@shared/store/errors';
import { toProblem } from './problems';
import { finishResponse, requestIdOf } from './protocol';
import { problemResponse } from './responses';

/**
 * Every request answers before API Gateway gives up on it (29 s integration timeout, and the
 * API functions' own 10 s Lambda timeout): past its deadline a request answers 503
 * `storage-busy` with Retry-After, which a client may retry with the same Idempotency-Key.
 * On AWS the budget is the Lambda's remaining time less a margin for writing the answer;
 * locally (and as a ceiling everywhere) it is REQUEST_DEADLINE_MS, default 8 s.
 */
export const DEFAULT_REQUEST_BUDGET_MS = 8_000;
/** Left for logging and returning the answer after the deadline. */
export const RESPONSE_MARGIN_MS = 500;
/** The store's calls end at the deadline and answer for themselves; this is the backstop after them. */
const BACKSTOP_GRACE_MS = 50;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function requestBudgetMs(context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined): number {
  const configured = Number(process.env.REQUEST_DEADLINE_MS);
  const ceiling = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_REQUEST_BUDGET_MS;
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' ? Math.min(ceiling, remaining - RESPONSE_MARGIN_MS) : ceiling;
}

export function deadlineExceeded(requestId?: string): APIGatewayProxyResult {
  return problemResponse(
    toProblem(
      new StorageBusyError('The request ran out of time; retry shortly with the same Idempotency-Key.', 1),
      requestId,
    ),
  );
}

/**
 * Runs a handler under the request's deadline. Store calls see it (they abort and raise
 * StorageBusyError, which the handler's own error mapping answers); should anything else
 * hold the handler, the backstop answers 503 a moment after the deadline.
 */
export function withRequestDeadline(handler: Handler, budgetMs = requestBudgetMs): Handler {
  return (event, context) =>
    runWithDeadline(budgetMs(context), async () => {
      const deadline = currentDeadline();
      const backstop = deadlinePassed(deadline).then(
        () => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), BACKSTOP_GRACE_MS).unref()),
      );
      const result = await Promise.race([handler(event, context), backstop]).catch((error: unknown) => {
        logger.error('request failed outside the handler', { error: error as Error });
        // Whatever path made it, an answer carries the protocol headers and its problem's instance.
        return finishResponse(event, problemResponse(toProblem(error, requestIdOf(event))));
      });
      if (result !== 'late') return result;
      logger.warn('request answered 503 at its deadline', { path: event.path });
      return finishResponse(event, deadlineExceeded(requestIdOf(event)));
    });
}

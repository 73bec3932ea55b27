import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { DomainError } from '@shared/domain/errors';
import { logger, tracer } from '@shared/observability';
import { IdempotencyKeyReuseError } from '@shared/store/errors';
import { saveIdempotentResponse, type IdempotencyContext } from '@shared/store/idempotency';
import type { Caller } from '@shared/app/use-case';
import type { Principal } from '@shared/store/partners';
import { withRequestDeadline } from './deadline';
import { HttpProblem, toProblem } from './problems';
import {
  assertQueryShape,
  assertScope,
  idempotencyKeyOf,
  parseBody,
  parseWith,
  principalOf,
  requestHash,
} from './request';
import { jsonResponse, problemResponse } from './responses';
import { routes, routesOf, type FunctionName, type RouteDefinition, type RouteId } from './routes';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface RouteInput<R extends RouteDefinition> {
  body: Infer<R['body']>;
  params: R['params'] extends z.ZodType ? z.infer<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodType ? z.infer<R['query']> : Record<string, never>;
  principal: Principal;
  /** Present on POST and DELETE: commit it with the effect (shared/store does). */
  idempotency: IdempotencyContext | undefined;
  now: () => Date;
  /** Who calls, with the idempotency context and the clock: what a store use case takes. */
  caller: Caller;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  replayed?: boolean;
}

export type RouteImplementation<R extends RouteDefinition> = (input: RouteInput<R>) => Promise<RouteResult>;
export type Implementations<F extends FunctionName> = {
  [Id in RouteId as (typeof routes)[Id]['fn'] extends F ? Id : never]: RouteImplementation<(typeof routes)[Id]>;
};

interface ParsedRequest {
  routeId: RouteId;
  input: RouteInput<RouteDefinition>;
}

type ApiEvent = APIGatewayProxyEvent & { parsed?: ParsedRequest };
type Request = middy.Request<ApiEvent, APIGatewayProxyResult, Error, Context>;

const clock = () => new Date();

/** Finds the route API Gateway matched (its resource template and method). */
function routeFor(fn: FunctionName, event: APIGatewayProxyEvent): RouteId {
  const routeId = routesOf(fn).find(
    (id) => routes[id].path === event.resource && routes[id].method === event.httpMethod,
  );
  if (!routeId) throw new HttpProblem('not-found', 404, 'Not found', `No route ${event.httpMethod} ${event.path}.`);
  return routeId;
}

/** Authentication context → scope → body, path and query validation. */
function parseRequest(fn: FunctionName): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const event = request.event;
      const routeId = routeFor(fn, event);
      const route: RouteDefinition = routes[routeId];
      const principal = principalOf(event);
      assertScope(principal, route);
      const mutating = route.method === 'POST' || route.method === 'DELETE';
      const idempotencyKey = mutating ? idempotencyKeyOf(event) : undefined;
      const params = parseWith(route.params, event.pathParameters, 'path');
      assertQueryShape(event, route.query);
      const query = parseWith(route.query, event.queryStringParameters, 'query');
      const body = parseBody(event, route.body);
      const idempotency = idempotencyKey
        ? { scope: principal.partnerId, key: idempotencyKey, requestHash: requestHash(route.method, event.path, body) }
        : undefined;
      event.parsed = {
        routeId,
        input: {
          body,
          params,
          query,
          principal,
          idempotency,
          now: clock,
          caller: { partnerId: principal.partnerId, idempotency, now: clock },
        } as RouteInput<RouteDefinition>,
      };
    },
  };
}

function replayHeaders(): Record<string, string> {
  return { 'Idempotent-Replayed': 'true' };
}

/**
 * Idempotency costs no extra read on the normal path: the record is written by the use
 * case's own transaction, conditioned on not existing, and a used key shows up as that
 * condition failing (shared/store answers from the record). Refusals found after reading
 * state (a DomainError) are saved here, or, when the key was already used, answered from
 * the record: a replay after the state moved on still gets the first response.
 */
function idempotency(): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const context = request.event.parsed?.input.idempotency;
      if (!context || !(request.error instanceof DomainError)) return;
      const { problem } = toProblem(request.error);
      const found = await saveIdempotentResponse(context, { status: problem.status, body: problem }, clock());
      if (found.kind === 'saved') return;
      if (found.kind === 'mismatch') request.error = new IdempotencyKeyReuseError();
      if (found.kind === 'replay') {
        request.response = storedToResponse(found.response.status, found.response.body, true);
        request.error = null;
      }
    },
  };
}

function storedToResponse(status: number, body: unknown, replayed: boolean): APIGatewayProxyResult {
  const headers = replayed ? replayHeaders() : {};
  if (status >= 400)
    return {
      statusCode: status,
      headers: { 'Content-Type': 'application/problem+json', ...headers },
      body: JSON.stringify(body),
    };
  return jsonResponse(status, body, headers);
}

/** Registered first so that it sees every error; anything unexpected becomes a bare 500. */
function problemErrors(): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: (request: Request) => {
      if (request.response && !request.error) return;
      const problem = toProblem(request.error);
      if (problem.problem.status >= 500) logger.error('request failed', { error: request.error as Error });
      else logger.info('request refused', { status: problem.problem.status, type: problem.problem.type });
      request.response = problemResponse(problem);
    },
  };
}

/**
 * The standard stack of every HTTP function: Powertools logger and tracer → problem errors →
 * request parsing (auth context, scope, validation) → idempotency → the route's use case,
 * all of it under the request's deadline (shared/http/deadline.ts).
 */
export function apiFunction<F extends FunctionName>(fn: F, implementations: Implementations<F>) {
  const table = implementations as unknown as Record<RouteId, RouteImplementation<RouteDefinition>>;
  const stack = middy<ApiEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(problemErrors())
    .use(parseRequest(fn))
    .use(idempotency())
    .handler(async (event) => {
      const parsed = event.parsed;
      if (!parsed) throw new Error('request was not parsed');
      const implementation = table[parsed.routeId];
      const result = await implementation(parsed.input);
      const headers = { ...result.headers, ...(result.replayed ? replayHeaders() : {}) };
      if (result.status >= 400) return problemResponse({ problem: result.body as never, headers });
      return jsonResponse(result.status, result.body, headers);
    });
  return withRequestDeadline(stack);
}

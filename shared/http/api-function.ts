import { createHash } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { DomainError } from '@shared/domain/errors';
import { logger, tracer } from '@shared/observability';
import type { IdempotencyContext } from '@shared/store/idempotency';
import { keepRefusal, type Kept } from '@shared/app/support/execute';
import type { Caller, UseCase } from '@shared/app/support/outcome';
import { clock } from '@shared/clock';
import type { Principal } from '@shared/domain/principal';
import { respond, storedText, successStatus, type Answered, type AnsweredRoute, type ResultOf } from './answers';
import { withRequestDeadline } from './deadline';
import { oneWriteAtATime } from './member-writes';
import { HttpProblem, toProblem } from './problems';
import { header, protocolHeaders, requestIdOf } from './protocol';
import {
  assertQueryShape,
  assertScope,
  idempotencyKeyOf,
  ndjsonBodyOf,
  parseBody,
  parseWith,
  principalOf,
  requestHash,
} from './request';
import { jsonResponse, problemResponse } from './responses';
import type { RouteDefinition } from './route-definition';
import type { RouteId } from './routes';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface RouteInput<R extends RouteDefinition, Id = RouteId> {
  body: Infer<R['body']>;
  params: R['params'] extends z.ZodType ? z.infer<R['params']> : Record<string, never>;
  query: R['query'] extends z.ZodType ? z.infer<R['query']> : Record<string, never>;
  principal: Principal;
  /** Present on POST and DELETE: commit it with the effect (shared/store does). */
  idempotency: IdempotencyContext | undefined;
  now: () => Date;
  /** A request header by name (any case). */
  header: (name: string) => string | undefined;
  /** Who calls, with the idempotency context and the clock: what a store use case takes. */
  caller: Caller;
  /** An NDJSON body, on a route that takes one (then `body` is undefined). */
  ndjson: Uint8Array | undefined;
  /** Runs the route's use case and answers it (./answers.ts), with the success status the route declares. */
  respond: Id extends AnsweredRoute ? (useCase: UseCase<ResultOf<Id>>) => Promise<Answered> : never;
}

export interface RouteResult {
  /** Absent: the one success status the route declares (its `responses`); given: one of those, or a problem's. */
  status?: number;
  body?: unknown;
  /** The exact body text to answer (a recorded answer): when present, `body` is not serialised again. */
  text?: string;
  headers?: Record<string, string>;
  replayed?: boolean;
}

export type RouteImplementation<R extends RouteDefinition, Id = RouteId> = (
  input: RouteInput<R, Id>,
) => Promise<RouteResult>;
/** One function's routes: its module of shared/http/function-routes/. */
export type FunctionRoutes = Record<string, RouteDefinition>;
export type Implementations<T extends FunctionRoutes> = {
  [Id in keyof T]: RouteImplementation<T[Id], Id>;
};

interface ParsedRequest {
  routeId: RouteId;
  input: RouteInput<RouteDefinition>;
}

type ApiEvent = APIGatewayProxyEvent & { parsed?: ParsedRequest };
type Request = middy.Request<ApiEvent, APIGatewayProxyResult, Error, Context>;

/** Finds the route API Gateway matched (its resource template and method) among the function's own. */
function routeFor(table: FunctionRoutes, event: APIGatewayProxyEvent): RouteId {
  const routeId = Object.keys(table).find(
    (id) => table[id]?.path === event.resource && table[id]?.method === event.httpMethod,
  );
  if (!routeId) throw new HttpProblem('not-found', 404, 'Not found', `No route ${event.httpMethod} ${event.path}.`);
  return routeId as RouteId;
}

/** Required on POST and DELETE unless the route says `optional` (PATCH) or `none` (a preview writes nothing). */
function idempotencyKeyFor(route: RouteDefinition, event: APIGatewayProxyEvent): string | undefined {
  const mode = route.idempotencyKey ?? (route.method === 'POST' || route.method === 'DELETE' ? 'required' : 'none');
  if (mode === 'none') return undefined;
  if (mode === 'optional' && header(event, 'idempotency-key') === undefined) return undefined;
  return idempotencyKeyOf(event);
}

/** Authentication context → scope → body, path and query validation. */
function parseRequest(table: FunctionRoutes): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const event = request.event;
      const routeId = routeFor(table, event);
      const route = table[routeId] as RouteDefinition;
      const principal = principalOf(event);
      assertScope(principal, route);
      const idempotencyKey = idempotencyKeyFor(route, event);
      const params = parseWith(route.params, event.pathParameters, 'path');
      assertQueryShape(event, route.query);
      const query = parseWith(route.query, event.queryStringParameters, 'query');
      const ndjson = ndjsonBodyOf(event, route.ndjsonBodyBytes);
      const body = ndjson ? undefined : parseBody(event, route.body, route.maxBodyBytes);
      const hashed = ndjson ? { ndjson: createHash('sha256').update(ndjson).digest('hex') } : body;
      const idempotency = idempotencyKey
        ? {
            // A member's own requests have their own keys, apart from the partner's backend's.
            scope: principal.role === 'me' ? `member:${principal.memberId}` : principal.partnerId,
            key: idempotencyKey,
            requestHash: requestHash(route.method, event.path, hashed),
          }
        : undefined;
      const caller: Caller = { partnerId: principal.partnerId, idempotency, now: clock };
      event.parsed = {
        routeId,
        input: {
          body,
          params,
          query,
          ndjson,
          principal,
          idempotency,
          now: clock,
          header: (name: string) => header(event, name),
          caller,
          respond: (useCase: UseCase<never>) => respond(routeId as AnsweredRoute, route, useCase, caller),
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
 * state (a DomainError) are kept through the executor (`keepRefusal`), or, when the key was
 * already used, answered from the record: a replay after the state moved on still gets the
 * first response.
 */
function idempotency(): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const context = request.event.parsed?.input.idempotency;
      if (!context || !(request.error instanceof DomainError)) return;
      const { problem } = toProblem(request.error, requestIdOf(request.event));
      const text = JSON.stringify(problem);
      let kept: Kept;
      try {
        kept = await keepRefusal(context, { status: problem.status, text }, clock());
      } catch (error) {
        // The key was used for another request (422), or storage failed while recording the
        // refusal (a timeout, throttling: 503, retry with the same key): that is the answer, made
        // by the problem mapping like every other one.
        request.error = error as Error;
        return;
      }
      request.error = null;
      request.response = kept.replayed
        ? storedToResponse(kept.response.status, storedText(kept.response), true)
        : // Answer the very text that was recorded: a replay is then the same bytes.
          storedToResponse(problem.status, text, false);
    },
  };
}

/** An answer from its exact body text (recorded or about to be): problem+json for 4xx/5xx. */
function storedToResponse(
  status: number,
  text: string,
  replayed: boolean,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyResult {
  const headers = { ...extraHeaders, ...(replayed ? replayHeaders() : {}) };
  if (status === 204 || text === '') return { statusCode: status, headers, body: '' };
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  return { statusCode: status, headers: { 'Content-Type': contentType, ...headers }, body: text };
}

/** Registered first so that it sees every error; anything unexpected becomes a bare 500. */
function problemErrors(): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: (request: Request) => {
      if (request.response && !request.error) return;
      const problem = toProblem(request.error, requestIdOf(request.event));
      if (problem.problem.status >= 500) logger.error('request failed', { error: request.error as Error });
      else logger.info('request refused', { status: problem.problem.status, type: problem.problem.type });
      request.response = problemResponse(problem);
    },
  };
}

/**
 * The standard stack of every HTTP function: Powertools logger and tracer → protocol headers
 * (request id, CORS) → problem errors → request parsing (auth context, scope, validation) →
 * idempotency → the route's use case, all of it under the request's deadline (shared/http/deadline.ts).
 * A function passes its own routes (shared/http/function-routes/<fn>.ts), not the whole table: its
 * bundle then builds only its own routes' schemas at init.
 */
export function apiFunction<T extends FunctionRoutes>(routes: T, implementations: Implementations<T>) {
  const table = implementations as unknown as Record<RouteId, RouteImplementation<RouteDefinition>>;
  const stack = middy<ApiEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // No response in traces (shared/observability.ts also refuses it for every use of the tracer).
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(protocolHeaders())
    .use(problemErrors())
    .use(parseRequest(routes))
    .use(idempotency())
    .handler(async (event) => {
      const parsed = event.parsed;
      if (!parsed) throw new Error('request was not parsed');
      const implementation = table[parsed.routeId];
      const route = routes[parsed.routeId] as RouteDefinition;
      // The member a write is about: named in its path, or the member a session token acts for (/v1/me…).
      const memberId =
        (parsed.input.params as { memberId?: unknown } | undefined)?.memberId ?? parsed.input.principal.memberId;
      const result =
        route.method !== 'GET' && typeof memberId === 'string'
          ? await oneWriteAtATime(memberId, () => implementation(parsed.input))
          : await implementation(parsed.input);
      // A recorded answer keeps the status it was recorded with; any other takes the route's.
      if (result.text !== undefined)
        return storedToResponse(
          result.status ?? successStatus(parsed.routeId, route),
          result.text,
          !!result.replayed,
          result.headers,
        );
      const headers = { ...result.headers, ...(result.replayed ? replayHeaders() : {}) };
      if (result.status !== undefined && result.status >= 400)
        return problemResponse({ problem: result.body as never, headers });
      return jsonResponse(successStatus(parsed.routeId, route, result.status), result.body, headers);
    });
  return withRequestDeadline(stack);
}

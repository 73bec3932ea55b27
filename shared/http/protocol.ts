import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * What every response carries, whatever answered it: the request id (`X-Request-Id`, and
 * `instance` in problem bodies, stamped where the problem is made) and, for a browser origin
 * the region allows, the CORS headers. The local server and API Gateway's own answers
 * follow the same rules (infra/local/server.ts, infra/constructs/rewards-rest-api.ts).
 */
export const REQUEST_ID_HEADER = 'X-Request-Id';
/** What every 401 names as the way to authenticate (RFC 9110 §11.6.1): a bearer API key. */
export const WWW_AUTHENTICATE = 'Bearer realm="rewards-api"';

/** A caller may send its own id (1-128 visible ASCII characters) to correlate its logs with ours. */
const CALLER_REQUEST_ID = /^[\x21-\x7E]{1,128}$/;

/** A request header by its name, whatever its case (API Gateway passes them as the client sent them). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}

/** The ids generated for events that had none (only direct invocations): one per event, however often asked. */
const generated = new WeakMap<object, string>();

type EventHeaders = Pick<APIGatewayProxyEvent, 'headers'> & {
  requestContext?: { requestId?: string } | null;
};

/** The caller's X-Request-Id when valid, else API Gateway's request id (a fresh one locally). */
export function requestIdOf(event: EventHeaders): string {
  const sent = header(event, REQUEST_ID_HEADER);
  if (sent !== undefined && CALLER_REQUEST_ID.test(sent)) return sent;
  const gateway = event.requestContext?.requestId;
  if (gateway) return gateway;
  let id = generated.get(event);
  if (!id) generated.set(event, (id = randomUUID()));
  return id;
}

/** The problem's `instance`: this occurrence, as a URN of the request id. */
export const instanceOf = (requestId: string) => `urn:request:${requestId}`;

/**
 * The browser origins this region allows: CORS_ALLOWED_ORIGINS is `*` (any) or
 * space-separated origins (the region's settings on AWS; locally the server's own origin and
 * LOCAL_CORS_ORIGINS, infra/local/stack.ts); unset allows none.
 */
export function allowedOrigins(): '*' | string[] {
  const setting = (process.env.CORS_ALLOWED_ORIGINS ?? '').trim();
  if (setting === '*') return '*';
  return setting.split(/\s+/).filter(Boolean);
}

export function isAllowedOrigin(origin: string | undefined): origin is string {
  if (!origin) return false;
  const allowed = allowedOrigins();
  return allowed === '*' || allowed.includes(origin);
}

/** Headers a browser may read from a cross-origin answer (beyond the CORS-safelisted ones). */
export const EXPOSED_HEADERS = ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'ETag', 'Allow', 'Location'];
/** What a preflight allows: every method of the API and the request headers it reads. */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'];
export const CORS_MAX_AGE_SECONDS = 600;

/** The answer's CORS headers for the request's Origin: none unless the origin is allowed. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!isAllowedOrigin(origin)) return {};
  // The origin is echoed (never `*`): the API is called with an Authorization header.
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', ') };
}

/** A preflight (OPTIONS) answer: 204 with what a browser may send; the origin only when allowed. */
export function preflightResponse(event: Pick<APIGatewayProxyEvent, 'headers'>): APIGatewayProxyResult {
  const origin = header(event, 'origin');
  return {
    statusCode: 204,
    headers: {
      'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(', '),
      'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
      Vary: 'Origin',
      ...(isAllowedOrigin(origin) ? { 'Access-Control-Allow-Origin': origin } : {}),
    },
    body: '',
  };
}

/** Adds the request id and the CORS headers to an answer (whatever made it). */
export function finishResponse(event: EventHeaders, response: APIGatewayProxyResult): APIGatewayProxyResult {
  return {
    ...response,
    headers: {
      ...response.headers,
      [REQUEST_ID_HEADER]: requestIdOf(event),
      Vary: 'Origin',
      ...corsHeaders(header(event, 'origin')),
    },
  };
}

/** The middy form: registered outermost (after logging), so it finishes answers and problems alike. */
export function protocolHeaders(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    after: (request) => {
      if (request.response) request.response = finishResponse(request.event, request.response);
    },
    onError: (request) => {
      if (request.response) request.response = finishResponse(request.event, request.response);
    },
  };
}

import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { principalForAuthorization } from '@functions/authorizer';
import { runWithDeadline } from '@shared/deadline';
import { requestBudgetMs } from '@shared/http/deadline';
import { toProblem, HttpProblem } from '@shared/http/problems';
import { problemResponse } from '@shared/http/responses';
import { matchPath, routes, type FunctionName, type RouteDefinition } from '@shared/http/routes';
import { DirectoryImportFiles, LOCAL_UPLOAD_PATH } from './imports';
import { MAX_BODY_BYTES } from '@shared/http/request';
import { finishResponse, REQUEST_ID_HEADER, requestIdOf } from '@shared/http/protocol';
import type { RateLimit } from '@shared/store/items/partner';
import { jsonResponse } from '@shared/http/responses';
import { TestClockError, type TestClock } from './test-clock';

/**
 * Serves the API locally the way API Gateway does on AWS: the route table decides which
 * function a request goes to, the authorizer resolves the key (401 before any function),
 * and the request becomes the same proxy event the Lambda handler receives.
 */
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The entry point's module, as the route table names it (functions/<name>.ts). */
async function handlerOf(name: FunctionName | 'public'): Promise<Handler> {
  const module = (await import(`../../functions/${name}.ts`)) as { handler: Handler };
  return module.handler;
}

function lambdaContext(name: string): Context {
  return {
    functionName: `local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/local/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * API Gateway caches the authorizer's answer per key (the stack's `authorizerCacheSeconds`).
 * Locally it is off unless LOCAL_AUTHORIZER_CACHE_SECONDS is set, so a revoked key is refused
 * at once in tests; the bench sets it, so that an earn over HTTP makes the DynamoDB calls it
 * makes on AWS and no key lookup besides.
 */
const authorizerCache = new Map<
  string,
  { principal: Awaited<ReturnType<typeof principalForAuthorization>>; until: number }
>();

let authorizerCacheSeconds: number | undefined;

async function authorize(authorization: string | undefined) {
  // Read once, like API Gateway's stage setting: the first request fixes it for the process.
  authorizerCacheSeconds ??= Number(process.env.LOCAL_AUTHORIZER_CACHE_SECONDS ?? 0);
  const seconds = authorizerCacheSeconds;
  if (!(seconds > 0) || authorization === undefined) return principalForAuthorization(authorization);
  const cached = authorizerCache.get(authorization);
  if (cached && cached.until > Date.now()) return cached.principal;
  const principal = await principalForAuthorization(authorization);
  // Like API Gateway, only an allowed key's answer is kept.
  if (principal) authorizerCache.set(authorization, { principal, until: Date.now() + seconds * 1000 });
  return principal;
}

interface RawBody {
  body: string | null;
  isBase64Encoded: boolean;
}

/** Text as API Gateway passes it; bytes that are not UTF-8 go base64-encoded so the function sees them and refuses them. */
async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<RawBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    // Keep no more than just past the limit: enough for the function to see it is over and answer 413.
    if (size <= limit) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  if (chunks.length === 0) return { body: null, isBase64Encoded: false };
  const bytes = Buffer.concat(chunks);
  return isUtf8(bytes)
    ? { body: bytes.toString('utf8'), isBase64Encoded: false }
    : { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** What identifies a request before any function runs: its headers and the id API Gateway would give it. */
interface Arrival {
  headers: Record<string, string>;
  requestContext: { requestId: string };
}

function arrivalOf(request: IncomingMessage): Arrival {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  return { headers, requestContext: { requestId: crypto.randomUUID() } };
}

/** The server's own answers (401, a crash) carry the request id and CORS headers like the functions' answers. */
function ownProblem(arrival: Arrival, error: unknown): APIGatewayProxyResult {
  return finishResponse(arrival, problemResponse(toProblem(error, requestIdOf(arrival))));
}

function toEvent(
  request: IncomingMessage,
  arrival: Arrival,
  url: URL,
  { body, isBase64Encoded }: RawBody,
  resource: string,
  pathParameters: Record<string, string> | null,
  authorizer: Record<string, string> | null,
): APIGatewayProxyEvent {
  const { headers } = arrival;
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  url.searchParams.forEach((value, name) => {
    // As API Gateway does: the last value of a repeated parameter, and all of them in the multi-value map.
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  });
  return {
    resource,
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length > 0 ? multiValueQuery : null,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer,
      protocol: 'HTTP/1.1',
      httpMethod: request.method ?? 'GET',
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: arrival.requestContext.requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
    },
  };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode, headers);
  response.end(result.body ?? '');
}

/** The path of the local-only test clock route: not in the route table, so never in a stack or its OpenAPI. */
export const TEST_CLOCK_PATH = '/v1/admin/test-clock';

const unauthorized = () =>
  new HttpProblem('unauthorized', 401, 'Unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');

/** `POST /v1/admin/test-clock { "now" }` (admin): moves the test clock forward; 400 for a time not after its now. */
async function moveTestClock(
  request: IncomingMessage,
  arrival: Arrival,
  body: RawBody,
  testClock: TestClock,
): Promise<APIGatewayProxyResult> {
  const principal = await principalForAuthorization(request.headers.authorization);
  if (!principal) return ownProblem(arrival, unauthorized());
  if (principal.role !== 'admin')
    return ownProblem(arrival, new HttpProblem('forbidden', 403, 'Forbidden', 'The test clock is for admins.'));
  let now: unknown;
  try {
    now = (JSON.parse(body.isBase64Encoded ? '' : (body.body ?? '')) as { now?: unknown }).now;
  } catch {
    now = undefined;
  }
  const invalid = (detail: string) =>
    ownProblem(
      arrival,
      new HttpProblem('validation-error', 400, 'Invalid request', detail, [{ path: 'now', message: detail }]),
    );
  if (typeof now !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(now))
    return invalid('`now` must be an ISO 8601 date-time with a time zone.');
  try {
    return finishResponse(arrival, jsonResponse(200, { now: testClock.moveTo(new Date(now)).toISOString() }));
  } catch (error) {
    if (error instanceof TestClockError) return invalid(error.message);
    throw error;
  }
}

export async function dispatch(
  request: IncomingMessage,
  options: { testClock?: TestClock } = {},
  arrival = arrivalOf(request),
): Promise<APIGatewayProxyResult> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  // What S3 does on AWS: the PUT of a file to an import's upload URL.
  if (localUploads && url.pathname.startsWith(LOCAL_UPLOAD_PATH))
    return finishResponse(arrival, await localUploads.receiveUpload(request, url, requestIdOf(arrival)));
  if (options.testClock && url.pathname === TEST_CLOCK_PATH && method === 'POST')
    return moveTestClock(request, arrival, await readBody(request), options.testClock);
  const match = url.pathname.startsWith('/v1/') ? matchPath(url.pathname) : undefined;
  const candidate = match?.candidates.find((c) => routes[c.routeId].method === method);
  const routeLimits = candidate ? (routes[candidate.routeId] as RouteDefinition) : undefined;
  const body = await readBody(
    request,
    Math.max(MAX_BODY_BYTES, routeLimits?.ndjsonBodyBytes ?? 0, routeLimits?.maxBodyBytes ?? 0),
  );
  if (!candidate) {
    // Health, OpenAPI, unknown routes (404) and wrong methods (405): the public function, no key needed.
    return (await handlerOf('public'))(
      toEvent(request, arrival, url, body, '/{proxy+}', null, null),
      lambdaContext('public'),
    );
  }
  const route = routes[candidate.routeId];
  const principal = await authorize(request.headers.authorization);
  if (!principal) {
    // API Gateway answers here with the UNAUTHORIZED gateway response (the same problem document).
    return ownProblem(arrival, unauthorized());
  }
  const throttled = partnerBuckets.take(principal.partnerId, principal.rateLimit, Date.now());
  if (throttled !== undefined) {
    // What API Gateway answers past a partner's usage plan (the THROTTLED gateway response).
    return ownProblem(
      arrival,
      new HttpProblem(
        'throttled',
        429,
        'Too many requests',
        'The request rate is over the limit; retry after the delay in Retry-After.',
        undefined,
        { 'Retry-After': String(throttled) },
      ),
    );
  }
  const authorizer = {
    partnerId: principal.partnerId,
    role: principal.role,
    scopes: principal.scopes.join(' '),
    principalId: principal.role === 'me' ? `member:${principal.memberId}` : principal.partnerId,
    ...(principal.memberId ? { memberId: principal.memberId } : {}),
  };
  const event = toEvent(request, arrival, url, body, route.path, candidate.pathParameters, authorizer);
  return (await handlerOf(route.fn))(event, lambdaContext(route.fn));
}

/**
 * Requests Node's own HTTP parser refuses (a header with a newline or NUL, headers or a URL
 * over its 16 KiB limit) never reach dispatch: answer them with a problem document, as API
 * Gateway's gateway responses do, instead of Node's bare plain-text 400/431.
 */
function answerUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem = tooLarge
    ? new HttpProblem(
        'request-header-fields-too-large',
        431,
        'Request header fields too large',
        'The request line and headers are limited to 16 KiB.',
      )
    : new HttpProblem('bad-request', 400, 'Bad request', 'The request is not valid HTTP/1.1.');
  // No header could be read, so no caller id or origin either: a fresh request id, like API Gateway's.
  const requestId = crypto.randomUUID();
  const { statusCode, headers, body } = problemResponse(toProblem(problem, requestId));
  const lines = [
    `HTTP/1.1 ${statusCode} ${problem.title}`,
    ...Object.entries({ ...headers, [REQUEST_ID_HEADER]: requestId }).map(
      ([name, value]) => `${name}: ${String(value)}`,
    ),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Per-partner throttling, as each partner's usage plan does on AWS: a token bucket per partner
 * holding `burst` tokens, refilled at `perSecond`. Keys without a limit (the seeded local keys)
 * are not throttled, so tests and the bench can run flat out.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token; undefined when allowed, else the whole seconds to wait (Retry-After). */
  take(id: string, limit: RateLimit | undefined, nowMs: number): number | undefined {
    if (!limit) return undefined;
    const bucket = this.buckets.get(id) ?? { tokens: limit.burst, at: nowMs };
    const tokens = Math.min(limit.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * limit.perSecond);
    if (tokens >= 1) {
      this.buckets.set(id, { tokens: tokens - 1, at: nowMs });
      return undefined;
    }
    this.buckets.set(id, { tokens, at: nowMs });
    return Math.max(1, Math.ceil((1 - tokens) / limit.perSecond));
  }
}

const partnerBuckets = new TokenBuckets();

let localUploads: DirectoryImportFiles | undefined;

/** The local stand-in for the import bucket, whose upload URLs this server answers. */
export function serveLocalUploads(files: DirectoryImportFiles | undefined): void {
  localUploads = files;
}

/**
 * DNS rebinding: a web page of another site whose name is made to resolve to 127.0.0.1 reaches
 * this server from the browser as "same origin", with its own name in `Host`. Only this
 * machine's names with the server's port are answered (and LOCAL_ALLOWED_HOSTS, space-separated
 * `host:port`, e.g. behind a container's port mapping); anything else is a 421 problem.
 */
export function misdirected(host: string | undefined, port: number): HttpProblem | undefined {
  const allowed = [
    ...['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`),
    ...(process.env.LOCAL_ALLOWED_HOSTS ?? '').split(/\s+/).filter(Boolean),
  ];
  if (host !== undefined && allowed.includes(host.toLowerCase())) return undefined;
  return new HttpProblem(
    'misdirected-request',
    421,
    'Misdirected request',
    `This server answers only for ${allowed.join(', ')}; the Host header named ${host === undefined ? 'nothing' : JSON.stringify(host)}.`,
  );
}

export function createLocalServer(options: { testClock?: TestClock } = {}): Server {
  const server = createServer((request, response) => {
    const arrival = arrivalOf(request);
    const refused = misdirected(request.headers.host, request.socket.localPort ?? 0);
    if (refused) {
      send(response, ownProblem(arrival, refused));
      return;
    }
    // One deadline for the key lookup and the function together: the whole request answers within the budget.
    runWithDeadline(requestBudgetMs(undefined), () => dispatch(request, options, arrival))
      .then((result) => send(response, result))
      .catch((error: unknown) => send(response, ownProblem(arrival, error)));
  });
  server.on('clientError', answerUnparsable);
  return server;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { principalForAuthorization } from '@functions/authorizer';
import { toProblem, HttpProblem } from '@shared/http/problems';
import { problemResponse } from '@shared/http/responses';
import { matchPath, routes, type FunctionName, type RouteDefinition } from '@shared/http/routes';
import { DirectoryImportFiles, LOCAL_UPLOAD_PATH } from './imports';
import { MAX_BODY_BYTES } from '@shared/http/request';

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

async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    // Keep no more than just past the limit: enough for the function to see it is over and answer 413.
    if (size <= limit) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null;
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  body: string | null,
  resource: string,
  pathParameters: Record<string, string> | null,
  authorizer: Record<string, string> | null,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, name) => (query[name] = value));
  return {
    resource,
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
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
      requestId: crypto.randomUUID(),
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

export async function dispatch(request: IncomingMessage): Promise<APIGatewayProxyResult> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  // What S3 does on AWS: the PUT of a file to an import's upload URL.
  if (localUploads && url.pathname.startsWith(LOCAL_UPLOAD_PATH)) return localUploads.receiveUpload(request, url);
  const match = url.pathname.startsWith('/v1/') ? matchPath(url.pathname) : undefined;
  const candidate = match?.candidates.find((c) => routes[c.routeId].method === method);
  const routeLimit = candidate ? (routes[candidate.routeId] as RouteDefinition).ndjsonBodyBytes : undefined;
  const body = await readBody(request, Math.max(MAX_BODY_BYTES, routeLimit ?? 0));
  if (!candidate) {
    // Health, OpenAPI, unknown routes (404) and wrong methods (405): the public function, no key needed.
    return (await handlerOf('public'))(toEvent(request, url, body, '/{proxy+}', null, null), lambdaContext('public'));
  }
  const route = routes[candidate.routeId];
  const principal = await principalForAuthorization(request.headers.authorization);
  if (!principal) {
    // API Gateway answers here with the UNAUTHORIZED gateway response (the same problem document).
    return problemResponse(
      toProblem(
        new HttpProblem(
          'unauthorized',
          401,
          'Unauthorized',
          'A valid API key is required: Authorization: Bearer <key>.',
        ),
      ),
    );
  }
  const authorizer = {
    partnerId: principal.partnerId,
    role: principal.role,
    scopes: principal.scopes.join(' '),
    principalId: principal.partnerId,
  };
  const event = toEvent(request, url, body, route.path, candidate.pathParameters, authorizer);
  return (await handlerOf(route.fn))(event, lambdaContext(route.fn));
}

let localUploads: DirectoryImportFiles | undefined;

/** The local stand-in for the import bucket, whose upload URLs this server answers. */
export function serveLocalUploads(files: DirectoryImportFiles | undefined): void {
  localUploads = files;
}

export function createLocalServer(): Server {
  return createServer((request, response) => {
    dispatch(request)
      .then((result) => send(response, result))
      .catch((error: unknown) => send(response, problemResponse(toProblem(error))));
  });
}

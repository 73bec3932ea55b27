import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { openApiDocument } from '@shared/http/openapi';
import { HttpProblem, toProblem } from '@shared/http/problems';
import { jsonResponse, problemResponse } from '@shared/http/responses';
import { matchPath, methodsForPath } from '@shared/http/routes';
import { header, preflightResponse, protocolHeaders, requestIdOf } from '@shared/http/protocol';
import { consoleResponse, pageResponse } from '@shared/console/serve';
import { sessionJwks } from '@shared/sessions/tokens';
import { StorageBusyError } from '@shared/store/errors';
import { tableAnswers } from '@shared/store/health';

/** The document is built once per instance; only `servers` differs with the origin it is served from. */
let openapi: Record<string, unknown> | undefined;

/**
 * Where this request reached the API: API Gateway's domain name (or the Host header locally) and
 * the base path before the route (the stage on an execute-api address, none on a custom domain).
 */
function servedFrom(event: APIGatewayProxyEvent): string | undefined {
  const host = event.requestContext?.domainName ?? header(event, 'host');
  if (!host) return undefined;
  const scheme = header(event, 'x-forwarded-proto') ?? (event.requestContext?.stage === 'local' ? 'http' : 'https');
  const fullPath = event.requestContext?.path ?? event.path;
  const basePath = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${scheme}://${host}${basePath}`;
}

export const JWKS_PATH = '/.well-known/jwks.json';
const OPEN_PATHS = new Set(['/health', '/health/ready', '/openapi.json', '/console', '/card', JWKS_PATH]);
/** The member's card (`GET /card`, token in the URL fragment), served like the console. */
const cardResponse = (method: string, path: string) => pageResponse(method, path, 'card');
const hasResource = (path: string) => OPEN_PATHS.has(path) || matchPath(path) !== undefined;

/**
 * What needs no key: liveness (`/health`, no I/O, for the gateway), readiness (`/health/ready`,
 * one short read of the table), the OpenAPI document, the public keys of member session tokens,
 * the console's static files, CORS preflights,
 * and the answer for unknown routes (404) and methods (405).
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(protocolHeaders())
  .handler(async (event) => {
    // A CORS preflight on any route (API Gateway answers those of the open paths itself).
    if (event.httpMethod === 'OPTIONS' && hasResource(event.path)) return preflightResponse(event);
    if (event.httpMethod === 'GET' && event.path === '/health') return jsonResponse(200, { status: 'ok' });
    if (event.httpMethod === 'GET' && event.path === '/health/ready') {
      if (await tableAnswers()) return jsonResponse(200, { status: 'ok' });
      throw new StorageBusyError('The table did not answer the readiness check in time.', 1);
    }
    if (event.httpMethod === 'GET' && event.path === '/openapi.json') {
      openapi ??= openApiDocument();
      const serverUrl = servedFrom(event);
      return jsonResponse(
        200,
        serverUrl
          ? { ...openapi, servers: [{ url: serverUrl, description: 'Where this document was served from' }] }
          : openapi,
      );
    }
    // Public keys only; a verifier may keep them a few minutes (a rotation publishes the new key first).
    if (event.httpMethod === 'GET' && event.path === JWKS_PATH)
      return jsonResponse(200, await sessionJwks(), { 'Cache-Control': 'public, max-age=300' });
    const pageFile = consoleResponse(event.httpMethod, event.path) ?? cardResponse(event.httpMethod, event.path);
    if (pageFile) return pageFile;
    const match = matchPath(event.path);
    if (match) {
      const allowed = methodsForPath(match.template);
      throw new HttpProblem(
        'method-not-allowed',
        405,
        'Method not allowed',
        `${event.httpMethod} is not allowed on ${event.path}; use ${allowed.join(', ')}.`,
        undefined,
        { Allow: allowed.join(', ') },
      );
    }
    throw new HttpProblem('not-found', 404, 'Not found', `No route ${event.httpMethod} ${event.path}.`);
  })
  .onError((request) => {
    request.response = problemResponse(toProblem(request.error, requestIdOf(request.event)));
  });

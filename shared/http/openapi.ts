import * as z from 'zod';
import { EVENT_TYPES } from '@shared/domain/events';
import { Problem } from '@shared/schemas/common';
import { eventSchemaId, TYPED_EVENTS } from '@shared/schemas/events';
import { ImportLine } from '@shared/schemas/imports';
import { domainErrorStatus, PROBLEM_TYPE_BASE } from './problems';
import { REQUEST_ID_HEADER, WWW_AUTHENTICATE } from './protocol';
import { routes, type FunctionName, type RouteDefinition } from './routes';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests (OpenAPI 3.1 uses JSON Schema 2020-12, which zod emits directly). Every
 * status an operation can answer is listed with the problem `type`s it can carry: those every
 * route of its kind can answer (derived from its method, body and scope) plus the refusals its
 * use case declares in the route table (`errors`).
 */
const refUri = (id: string) => `#/components/schemas/${id}`;

/** Named schemas (zod `.meta({ id })`) end up once under components.schemas, referenced from everywhere. */
let components: Record<string, unknown> = {};

function hoistDefinitions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(hoistDefinitions);
  if (!node || typeof node !== 'object') return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$defs') {
      for (const [id, definition] of Object.entries(value as Record<string, unknown>))
        components[id] ??= hoistDefinitions(definition);
    } else if (key === '$ref' && typeof value === 'string') {
      result.$ref = value.replace('#/$defs/', '#/components/schemas/');
    } else if (key !== '$schema') {
      result[key] = hoistDefinitions(value);
    }
  }
  return result;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline', cycles: 'ref' });
  // A named schema comes back as a bare $ref to itself, whose body was hoisted.
  return hoistDefinitions(generated) as Record<string, unknown>;
}

/** Whether a route takes an Idempotency-Key: required (POST and DELETE by default), optional, or not at all. */
export const idempotencyKeyMode = (route: Pick<RouteDefinition, 'method' | 'idempotencyKey'>) =>
  route.idempotencyKey ?? (route.method === 'POST' || route.method === 'DELETE' ? 'required' : 'none');

/** Whether a route takes an Idempotency-Key (and so may answer a replay). */
export const isIdempotent = (route: Pick<RouteDefinition, 'method' | 'idempotencyKey'>) =>
  idempotencyKeyMode(route) !== 'none';

function parametersOf(route: RouteDefinition) {
  const parameters: Record<string, unknown>[] = [];
  for (const [name, schema] of Object.entries(route.params?.shape ?? {})) {
    parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema as z.ZodType, 'input') });
  }
  if (route.query) {
    const query = jsonSchema(route.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  if (route.ifMatch) parameters.push({ $ref: '#/components/parameters/IfMatch' });
  const idempotencyKey = idempotencyKeyMode(route);
  if (idempotencyKey === 'required') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (idempotencyKey === 'optional') parameters.push({ $ref: '#/components/parameters/OptionalIdempotencyKey' });
  parameters.push({ $ref: '#/components/parameters/RequestId' });
  return parameters;
}

/** Status → the problem types (slugs) an operation can answer with it. */
export type ProblemStatuses = Map<number, Set<string>>;

/** What an operation can be refused with: by its kind (method, body, key, storage) and by its use case. */
export function problemStatusesOf(route: RouteDefinition): ProblemStatuses {
  const statuses: ProblemStatuses = new Map();
  const add = (status: number, slug: string) => {
    const slugs = statuses.get(status) ?? new Set<string>();
    statuses.set(status, slugs.add(slug));
  };
  // Schema violations (path, query, body, or a body where none is taken); API Gateway's other 4xx.
  add(400, 'validation-error');
  add(400, 'bad-request');
  if (route.body) {
    add(400, 'malformed-json');
    add(415, 'unsupported-media-type');
  }
  if (isIdempotent(route)) {
    if (idempotencyKeyMode(route) === 'required') add(400, 'missing-idempotency-key');
    add(422, 'idempotency-key-reuse');
  }
  add(401, 'unauthorized');
  add(403, 'forbidden');
  add(413, 'payload-too-large');
  add(429, 'throttled');
  add(500, 'internal');
  add(503, 'storage-busy');
  add(504, 'timeout');
  for (const code of route.errors ?? []) add(domainErrorStatus(code), code);
  return statuses;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request: see the problem type and errors[]',
  401: 'Missing or unknown API key',
  403: 'The key lacks the scope of this route',
  404: 'Not found',
  405: 'Method not allowed on this path; see Allow',
  409: 'A business rule refused the request; nothing changed',
  412: 'The If-Match precondition failed',
  413: 'Body over 64 KiB',
  415: 'Body is not JSON',
  422: 'Idempotency-Key reused with a different request',
  429: 'Throttled; retry after Retry-After seconds',
  500: 'Internal error (logged)',
  503: 'Storage busy; retry after Retry-After seconds',
  504: 'Timed out; it may or may not have been applied: retry with the same Idempotency-Key',
};

const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** A problem answer whose `type` is one of `slugs` and whose `status` is this one. */
function problemResponse(status: number, slugs: Iterable<string>, headers: Record<string, unknown>) {
  const types = [...slugs].sort().map((slug) => PROBLEM_TYPE_BASE + slug);
  return {
    description: STATUS_TEXT[status] ?? 'Problem',
    headers,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: refUri('Problem') },
            { type: 'object', properties: { type: { enum: types }, status: { const: status } } },
          ],
        },
      },
    },
  };
}

function responsesOf(route: RouteDefinition): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const replayable = isIdempotent(route) ? { 'Idempotent-Replayed': header('IdempotentReplayed') } : {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const headers = {
      [REQUEST_ID_HEADER]: header('RequestId'),
      ...replayable,
      ...Object.fromEntries((route.headers ?? []).map((name) => [name, header(name)])),
    };
    responses[status] = schema
      ? {
          description: 'Success',
          headers,
          content: { 'application/json': { schema: jsonSchema(schema, 'output') } },
        }
      : { description: 'Success, no content', headers };
  }
  const declared = new Set((route.errors ?? []).map(domainErrorStatus));
  for (const [status, slugs] of [...problemStatusesOf(route)].sort(([a], [b]) => a - b)) {
    const headers: Record<string, unknown> = { [REQUEST_ID_HEADER]: header('RequestId') };
    // A refusal decided after reading state is recorded with the key: its replay says so.
    if (declared.has(status)) Object.assign(headers, replayable);
    if (status === 429 || status === 503) headers['Retry-After'] = header('RetryAfter');
    if (status === 401) headers['WWW-Authenticate'] = header('WwwAuthenticate');
    responses[status] = problemResponse(status, slugs, headers);
  }
  return responses;
}

const TAGS: Record<FunctionName | 'public', string> = {
  members: 'Enrolment, profile, ledger, export and erasure of members',
  points: 'Earning and redeeming points',
  cashback: 'Cashback credit and spend; refunds of orders',
  rewards: 'The rewards catalog, raffles (prize draws) and campaigns (what members get on entering a segment)',
  insights: 'NPS answers, non-member purchases and loyalty metrics',
  admin: 'Program rules and partner keys (admin keys only)',
  events: 'The event feed and webhook endpoints with their deliveries',
  imports: 'Bulk import of members, balances and purchase history (admin keys only)',
  me: "A member's own app, with a member session token (POST /v1/members/{memberId}/sessions): the /v1/me routes only",
  codes: "Reward codes: the till's validate, use and release, a member's codes, pool uploads and counts",
  public: 'What needs no key: liveness, readiness, this document, the public keys of member tokens',
};

const requestIdHeader = { [REQUEST_ID_HEADER]: header('RequestId') };
/** `{ "status": "ok" }`: what liveness and readiness answer. */
const statusOk = {
  type: 'object',
  properties: { status: { const: 'ok' } },
  required: ['status'],
  additionalProperties: false,
};

/** An open GET (no key): the public function answers it, with this request's id like every answer. */
function publicGet(
  operationId: string,
  summary: string,
  description: string,
  responses: Record<number, unknown>,
  parameters: unknown[] = [],
): Record<string, unknown> {
  return {
    get: {
      operationId,
      tags: ['public'],
      summary,
      description,
      security: [],
      parameters: [{ $ref: '#/components/parameters/RequestId' }, ...parameters],
      responses,
    },
  };
}

const ok = (description: string, contentType: string, schema: unknown, headers: Record<string, unknown> = {}) => ({
  description,
  headers: { ...requestIdHeader, ...headers },
  content: { [contentType]: { schema } },
});

function publicPaths(): Record<string, Record<string, unknown>> {
  const text = { type: 'string' };
  return {
    '/health': publicGet('health', 'Liveness', 'Answers 200 while the API is up; needs no key.', {
      200: ok('OK', 'application/json', statusOk),
    }),
    '/health/ready': publicGet(
      'healthReady',
      'Readiness',
      'Answers 200 when the table answers a read within a short timeout, else 503 (storage-busy).',
      {
        200: ok('OK', 'application/json', statusOk),
        503: problemResponse(503, ['storage-busy'], { ...requestIdHeader, 'Retry-After': header('RetryAfter') }),
      },
    ),
    '/openapi.json': publicGet(
      'openapi',
      'This document',
      'The OpenAPI 3.1 document of the API, generated from the schemas that validate requests.',
      { 200: ok('OpenAPI 3.1 document', 'application/json', { type: 'object' }) },
    ),
    '/.well-known/jwks.json': publicGet(
      'sessionKeys',
      'The public keys of member session tokens (JWKS)',
      "The region's public keys (RFC 7517) that member session tokens are signed with, the signing key first; a token's `kid` names its key. A rotation publishes a new key before it signs with it, and keeps the old one until its last token has expired. May be cached 5 minutes.",
      {
        200: ok(
          'The key set',
          'application/json',
          {
            type: 'object',
            required: ['keys'],
            properties: {
              keys: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
                  properties: {
                    kty: { const: 'EC' },
                    crv: { const: 'P-256' },
                    x: { type: 'string' },
                    y: { type: 'string' },
                    kid: { type: 'string' },
                    alg: { const: 'ES256' },
                    use: { const: 'sig' },
                  },
                },
              },
            },
          },
          { 'Cache-Control': { description: 'public, max-age=300', schema: text } },
        ),
      },
    ),
    '/console': publicGet(
      'console',
      "The program owner's web console",
      "A single page that signs in with an admin key (kept in the tab's session storage only) and calls this API. " +
        'Served under a strict Content-Security-Policy, never cached.',
      {
        200: ok('The console page', 'text/html', text, {
          'Content-Security-Policy': { description: "Only this origin's script, styles and API", schema: text },
        }),
      },
    ),
    '/card': publicGet(
      'memberCard',
      "The member's card: a page for the member's phone",
      'Takes a member session token from its URL fragment (`/card#token=…`) and shows the name, tier and progress to the next, balance, pending and expiring points, a QR code of the member id for the till and the rewards the member can afford. Served like the console: strict Content-Security-Policy, never cached.',
      {
        200: ok('The card page', 'text/html', text, {
          'Content-Security-Policy': { description: "Only this origin's script, styles and API", schema: text },
        }),
      },
    ),
    '/card/{file}': publicGet(
      'memberCardFile',
      "A file of the member's card",
      'Scripts and styles named by their content hash, cached for good; any other name is a 404.',
      {
        200: ok('The file', 'application/octet-stream', text),
        404: problemResponse(404, ['not-found'], requestIdHeader),
      },
      [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    ),
    '/console/{file}': publicGet(
      'consoleFile',
      "A file of the console's page",
      'Scripts and styles named by their content hash, cached for good; any other name is a 404.',
      {
        200: ok('The file', 'application/octet-stream', text),
        404: problemResponse(404, ['not-found'], requestIdHeader),
      },
      [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    ),
  };
}

const sharedHeaders = {
  RequestId: {
    description:
      "This request's id: the caller's X-Request-Id when it sent a valid one, else API Gateway's (a fresh one locally). Problems carry it as instance: urn:request:<id>.",
    required: true,
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,128}$' },
  },
  IdempotentReplayed: {
    description: 'Present on an answer replayed for a used Idempotency-Key: the first answer, byte for byte.',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  ETag: {
    description: 'The version of the resource, as a strong entity tag.',
    required: true,
    schema: { type: 'string' },
  },
  Allow: {
    description: 'The methods the path has.',
    required: true,
    schema: { type: 'string' },
  },
  WwwAuthenticate: {
    description: 'The authentication scheme to use (RFC 9110): a bearer API key.',
    required: true,
    schema: { type: 'string', const: WWW_AUTHENTICATE },
  },
};

/**
 * `OPTIONS` on every path: the CORS preflight, answered without a key (on AWS by the public
 * function, or by API Gateway itself on the open paths). Other methods than the path's answer 405.
 */
function preflight(path: string, methods: string[], pathParameters: unknown[]): Record<string, unknown> {
  const text = { type: 'string' };
  const name = path
    .replace(/[{}]/g, '')
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => next?.toUpperCase() ?? '');
  return {
    operationId: `preflight${name.charAt(0).toUpperCase()}${name.slice(1)}`,
    tags: ['public'],
    summary: 'CORS preflight',
    description:
      `Answers 204 with the Access-Control-Allow-* headers, and Access-Control-Allow-Origin when the Origin is allowed (the region's corsOrigins; locally the server's own origin and LOCAL_CORS_ORIGINS). ` +
      `Needs no key. This path has ${methods.join(', ')}; any other method answers 405 (method-not-allowed) with Allow, and an unknown path 404 (not-found): see components.responses.`,
    security: [],
    parameters: [
      ...pathParameters,
      { name: 'Origin', in: 'header', required: false, description: "The calling page's origin", schema: text },
      {
        name: 'Access-Control-Request-Method',
        in: 'header',
        required: false,
        description: 'The method the browser means to use',
        schema: text,
      },
    ],
    responses: {
      204: {
        description: 'Preflight answered',
        headers: {
          'Access-Control-Allow-Methods': { description: 'Methods a browser may use', required: true, schema: text },
          'Access-Control-Allow-Headers': {
            description: 'Request headers a browser may send',
            required: true,
            schema: text,
          },
          'Access-Control-Max-Age': { description: 'Seconds a browser may keep this answer', schema: text },
          'Access-Control-Allow-Origin': { description: 'The Origin, when it is allowed', schema: text },
          [REQUEST_ID_HEADER]: {
            description:
              "This request's id (the local server and the public function; API Gateway's own preflight answer has none)",
            schema: text,
          },
        },
      },
      404: { $ref: '#/components/responses/NotFound' },
    },
  };
}

/**
 * Every event type, as a webhook (OpenAPI 3.1): the POST a receiver gets, whose body is the event
 * with its typed `data` (the schemas the code emits with, shared/schemas/events.ts).
 */
function webhooks(): Record<string, unknown> {
  const signatureHeader = (name: string, description: string) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string' },
  });
  return Object.fromEntries(
    EVENT_TYPES.map((type) => {
      jsonSchema(TYPED_EVENTS[type], 'output'); // hoists the event's schema into components.schemas
      return [
        type,
        {
          post: {
            operationId: `on${eventSchemaId(type).replace(/Event$/, '')}`,
            tags: ['events'],
            summary: `The ${type} event`,
            description:
              'Delivered to every enabled endpoint subscribed to this type, signed per Standard Webhooks. ' +
              'Any 2xx within 10 s acknowledges it; anything else is retried for more than 24 hours. ' +
              'At least once, in no guaranteed order: de-duplicate by id (webhook-id), order by sequence.',
            security: [],
            parameters: [
              signatureHeader('webhook-id', 'The event id: the same on every attempt'),
              signatureHeader('webhook-timestamp', 'Seconds since the epoch when this attempt was signed'),
              signatureHeader(
                'webhook-signature',
                'v1,<base64 HMAC-SHA256> (one per signing secret during a rotation)',
              ),
            ],
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: refUri(eventSchemaId(type)) } } },
            },
            responses: {
              200: { description: 'Any 2xx acknowledges the delivery' },
              400: { description: 'Refused (e.g. a signature that does not verify): retried later' },
            },
          },
        },
      ];
    }),
  );
}

/** How each line of a bulk import is read: the schema of a line, and an example of each kind. */
function importLineFormat(maxBytes: number): Record<string, unknown> {
  jsonSchema(ImportLine, 'input'); // hoists ImportLine into components.schemas
  return {
    schema: {
      type: 'string',
      description:
        `One JSON object per line (NDJSON), at most ${maxBytes} bytes in all; each line is an ImportLine ` +
        '(components.schemas.ImportLine): a member line (kind "member") enrols a member with its opening balance, ' +
        'a purchase line (kind "purchase") records history for tiers and metrics and earns nothing, ' +
        'a segment line (kind "segment") adds the member to a list segment or removes it (applied after the member lines).',
      'x-line-schema': { $ref: refUri('ImportLine') },
    },
    example: IMPORT_EXAMPLE_LINES.map((line) => JSON.stringify(line)).join('\n') + '\n',
  };
}

const IMPORT_EXAMPLE_LINES = [
  {
    kind: 'member',
    externalId: 'legacy-1001',
    email: 'grace@example.com',
    consent: { marketing: false, analytics: true },
    enrolledAt: '2024-03-01T09:00:00Z',
    points: 1200,
    cashback: { value: 350, currency: 'EUR' },
  },
  { kind: 'member', externalId: 'legacy-1002', consent: { marketing: false, analytics: false } },
  {
    kind: 'purchase',
    externalId: 'legacy-1001',
    orderId: 'pos-9:2024-11-02:17',
    amount: { value: 8990, currency: 'EUR' },
    occurredAt: '2024-11-02T15:30:00Z',
  },
  { kind: 'segment', segmentId: 'vip', externalId: 'legacy-1002', action: 'add' },
];

/** The origin (and base path) the document is served from, for `servers`; the local default otherwise. */
export interface DocumentOptions {
  serverUrl?: string;
}

export function openApiDocument(options: DocumentOptions = {}): Record<string, unknown> {
  components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, definition] of Object.entries(routes)) {
    const route = definition as RouteDefinition;
    const body = route.body;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId,
      tags: [route.fn],
      summary: route.summary,
      description: route.description ?? route.summary,
      security: [route.scope === 'me' ? { memberToken: [] } : { apiKey: [] }],
      'x-required-scope': route.scope,
      parameters: parametersOf(route),
      ...(body
        ? {
            requestBody: {
              // An empty body reads as {} on the server (shared/http/request.ts): required only when {} is refused.
              required: !body.safeParse({}).success,
              content: {
                ...Object.fromEntries(
                  (route.method === 'PATCH'
                    ? ['application/merge-patch+json', 'application/json']
                    : ['application/json']
                  ).map((type) => [
                    type,
                    {
                      schema: jsonSchema(body, 'input'),
                      ...(route.example !== undefined ? { example: route.example } : {}),
                    },
                  ]),
                ),
                ...(route.ndjsonBodyBytes ? { 'application/x-ndjson': importLineFormat(route.ndjsonBodyBytes) } : {}),
              },
            },
          }
        : {}),
      responses: responsesOf(route),
    };
  }
  Object.assign(paths, publicPaths());
  for (const [path, item] of Object.entries(paths)) {
    const operations = Object.values(item) as { parameters?: { in?: string }[] }[];
    const pathParameters = operations[0]?.parameters?.filter((parameter) => parameter.in === 'path') ?? [];
    const methods = [...Object.keys(item).map((method) => method.toUpperCase()), 'OPTIONS'];
    item.options = preflight(path, methods, pathParameters);
  }
  const hooks = webhooks();
  jsonSchema(Problem, 'output'); // hoists Problem into components.schemas
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rewards API',
      version: '1.1.0',
      description: [
        'Loyalty engine: members, points, tiers, rewards, cashback and loyalty metrics.',
        `Errors are RFC 9457 problem details (application/problem+json); their \`type\` URIs start with ${PROBLEM_TYPE_BASE}, and each operation lists the types each status can carry.`,
        'Every answer carries X-Request-Id, and a problem names it as `instance` (urn:request:<id>).',
        'An unknown path answers 404 (not-found) and a path without the method 405 (method-not-allowed, with Allow), as problems.',
        'POST and DELETE need an Idempotency-Key: the same key and request answer the first response again, byte for byte, with Idempotent-Replayed: true (a secret shown once is left out).',
        'Money is integer minor units; derived amounts are rounded down.',
      ].join(' '),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      contact: { name: 'Rewards API maintainers' },
    },
    servers: [
      options.serverUrl
        ? { url: options.serverUrl, description: 'Where this document was served from' }
        : { url: 'http://127.0.0.1:3000', description: 'The local server (npm start, default PORT)' },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A partner key (scoped) or an admin key' },
        memberToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A member session token (POST /v1/members/{memberId}/sessions): a JWT signed ES256, 15 minutes, verifiable with the region's keys at /.well-known/jwks.json. Accepted on the /v1/me routes only.",
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: 'Same key and request: the first response again, with Idempotent-Replayed: true. Kept 24 hours.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
        },
        OptionalIdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Optional here: with a key, the same key and request answer the first response again, with Idempotent-Replayed: true. Kept 24 hours.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'The ETag a read answered ("<version>"): the change is refused with 412 if the resource has moved on since.',
          schema: { type: 'string', pattern: '^"[0-9]+"$' },
        },
        RequestId: {
          name: REQUEST_ID_HEADER,
          in: 'header',
          required: false,
          description: 'Your id for this request (1-128 visible ASCII characters), echoed in the answer.',
          schema: { type: 'string' },
        },
      },
      headers: sharedHeaders,
      // What any path can answer outside its operations (API Gateway's or the public function's answers).
      responses: {
        NotFound: problemResponse(404, ['not-found'], requestIdHeader),
        MethodNotAllowed: problemResponse(405, ['method-not-allowed'], { ...requestIdHeader, Allow: header('Allow') }),
      },
      schemas: components,
    },
    paths,
    webhooks: hooks,
  };
}

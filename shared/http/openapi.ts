import * as z from 'zod';
import { PROBLEM_TYPE_BASE } from './problems';
import { routes, type RouteDefinition } from './routes';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests. OpenAPI 3.1 uses JSON Schema 2020-12, which zod emits directly.
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
  const hoisted = hoistDefinitions(generated) as Record<string, unknown>;
  // A named schema comes back as a bare $ref to itself, whose body was hoisted.
  return hoisted;
}

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
  if (route.method === 'POST' || route.method === 'DELETE') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Same key and request: the first response again, with Idempotent-Replayed: true. Kept 24 hours.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
    });
  }
  return parameters;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: refUri('Problem') } } },
});

export function openApiDocument(): Record<string, unknown> {
  components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, definition] of Object.entries(routes)) {
    const route = definition as RouteDefinition;
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = schema
        ? {
            description: 'Success',
            content: { 'application/json': { schema: jsonSchema(schema, 'output') } },
          }
        : { description: 'Success, no content' };
    }
    Object.assign(responses, {
      400: problem('Malformed JSON, schema violation or missing header'),
      401: problem('Missing or unknown API key'),
      403: problem('The key lacks the scope of this route'),
      ...(route.params ? { 404: problem('Unknown member, order, reward or partner') } : {}),
      ...(route.method !== 'GET'
        ? {
            409: problem('A business rule refused: insufficient balance, duplicate order, out of stock, erased member'),
            413: problem('Body over 64 KiB'),
            415: problem('Body is not JSON'),
          }
        : {}),
      ...(route.method === 'POST' || route.method === 'DELETE'
        ? { 422: problem('Idempotency-Key reused with a different request') }
        : {}),
      429: problem('Throttled; see Retry-After'),
      503: problem('Storage busy; see Retry-After'),
    });
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      security: [{ apiKey: [] }],
      'x-required-scope': route.scope,
      parameters: parametersOf(route),
      ...(route.body
        ? {
            requestBody: {
              required: route.method !== 'POST' || !route.body.safeParse({}).success,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Liveness',
      security: [],
      responses: {
        200: {
          description: 'OK',
          content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
        },
      },
    },
  };
  paths['/health/ready'] = {
    get: {
      operationId: 'healthReady',
      summary: 'Readiness: the table answers a read within a short timeout',
      security: [],
      responses: {
        200: {
          description: 'OK',
          content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
        },
        503: problem('The table did not answer in time; see Retry-After'),
      },
    },
  };
  paths['/openapi.json'] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      security: [],
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rewards API',
      version: '1.0.0',
      description: `Loyalty engine: members, points, tiers, rewards, cashback and loyalty metrics. Errors are RFC 9457 problem details; their \`type\` URIs start with ${PROBLEM_TYPE_BASE}. Money is integer minor units; derived amounts are rounded down.`,
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A partner key (scoped) or an admin key' },
      },
      schemas: {
        ...components,
        Problem: jsonSchema(
          z.object({
            type: z.string(),
            title: z.string(),
            status: z.int(),
            detail: z.string(),
            errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
          }),
          'output',
        ),
      },
    },
    paths,
  };
}

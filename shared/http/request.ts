import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '@shared/store/partners';
import type { Scope } from '@shared/schemas/admin';
import { HttpProblem, validationProblem } from './problems';
import type { RouteDefinition } from './routes';

export const MAX_BODY_BYTES = 64 * 1024;

export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}

/** The principal the authorizer resolved (API Gateway passes its context as strings). */
export function principalOf(event: APIGatewayProxyEvent): Principal {
  const context = event.requestContext?.authorizer;
  if (!context?.partnerId)
    throw new HttpProblem(
      'unauthorized',
      401,
      'Unauthorized',
      'A valid API key is required: Authorization: Bearer <key>.',
    );
  return {
    partnerId: String(context.partnerId),
    role: context.role === 'admin' ? 'admin' : 'partner',
    scopes: String(context.scopes ?? '')
      .split(' ')
      .filter(Boolean) as Scope[],
  };
}

export function assertScope(principal: Principal, route: RouteDefinition): void {
  if (route.scope === 'public' || principal.role === 'admin') return;
  if (route.scope === 'admin' || !principal.scopes.includes(route.scope)) {
    throw new HttpProblem(
      'forbidden',
      403,
      'Forbidden',
      `This key lacks the ${route.scope === 'admin' ? 'admin role' : `"${route.scope}" scope`} this route needs.`,
    );
  }
}

function rawBody(event: APIGatewayProxyEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

const NDJSON = /^application\/x-ndjson\s*(;|$)/i;

/**
 * An NDJSON body, on a route that takes one (bulk import): its own size limit instead of the
 * general 64 KiB, no JSON parse (its lines are read and reported one by one later).
 */
export function ndjsonBodyOf(event: APIGatewayProxyEvent, maxBytes: number | undefined): Uint8Array | undefined {
  if (maxBytes === undefined || !NDJSON.test(header(event, 'content-type') ?? '')) return undefined;
  const bytes = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (bytes.length > maxBytes)
    throw new HttpProblem(
      'payload-too-large',
      413,
      'Payload too large',
      `NDJSON bodies are limited to ${maxBytes} bytes.`,
    );
  if (bytes.toString('utf8').trim() === '')
    throw new HttpProblem('validation-error', 400, 'Invalid request', 'The NDJSON body has no lines.', [
      { path: 'body', message: 'must hold at least one line' },
    ]);
  return bytes;
}

/** Checks size, media type and JSON syntax, then validates with the route's schema. */
export function parseBody(event: APIGatewayProxyEvent, schema: z.ZodType | undefined): unknown {
  const text = rawBody(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpProblem(
      'payload-too-large',
      413,
      'Payload too large',
      `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
    );
  }
  if (!schema) {
    if (text.trim() !== '')
      throw new HttpProblem('validation-error', 400, 'Invalid request', 'This route takes no request body.', [
        { path: 'body', message: 'must be empty' },
      ]);
    return undefined;
  }
  let json: unknown = {};
  if (text.trim() !== '') {
    const contentType = header(event, 'content-type');
    if (!contentType || !/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
      throw new HttpProblem(
        'unsupported-media-type',
        415,
        'Unsupported media type',
        'Send JSON with Content-Type: application/json.',
      );
    }
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HttpProblem(
        'malformed-json',
        400,
        'Malformed JSON',
        `The body is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) throw validationProblem(result.error, 'body');
  return result.data;
}

export function parseWith(schema: z.ZodType | undefined, input: unknown, prefix: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationProblem(result.error, prefix);
  return result.data;
}

/** Stable JSON: same data, same text, whatever the key order or spacing the client sent. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('hex');
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

export function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const key = header(event, 'idempotency-key');
  if (key === undefined) {
    throw new HttpProblem(
      'missing-idempotency-key',
      400,
      'Idempotency-Key required',
      'Every POST and DELETE needs an Idempotency-Key header (1-255 visible ASCII characters).',
      [{ path: 'headers.Idempotency-Key', message: 'is required' }],
    );
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpProblem(
      'validation-error',
      400,
      'Invalid request',
      'The Idempotency-Key header must be 1-255 visible ASCII characters.',
      [{ path: 'headers.Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }],
    );
  }
  return key;
}

import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import type { Principal } from '@shared/domain/principal';
import type { Scope } from '@shared/schemas/admin';
import { HttpProblem, validationProblem } from './problems';
import { header } from './protocol';
import type { RouteDefinition } from './routes';

export const MAX_BODY_BYTES = 64 * 1024;

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
  const role: Principal['role'] = context.role === 'admin' ? 'admin' : context.role === 'me' ? 'me' : 'partner';
  return {
    partnerId: String(context.partnerId),
    role,
    scopes: String(context.scopes ?? '')
      .split(' ')
      .filter(Boolean) as Scope[],
    ...(role === 'me' && context.memberId ? { memberId: String(context.memberId) } : {}),
  };
}

/** A member token works on the /v1/me routes and nowhere else; a key never works there (it is no member). */
function assertMemberRoute(principal: Principal, route: RouteDefinition): void {
  if (route.scope === 'me' && principal.role === 'me' && principal.memberId) return;
  throw new HttpProblem(
    'forbidden',
    403,
    'Forbidden',
    route.scope === 'me'
      ? 'The /v1/me routes take a member session token (POST /v1/members/{memberId}/sessions), not a key.'
      : 'A member session token works only on the /v1/me routes.',
  );
}

/** The member a `me` principal acts for (the /v1/me routes; assertScope has checked there is one). */
export function memberIdOf(principal: Principal): string {
  if (principal.role !== 'me' || !principal.memberId)
    throw new HttpProblem('forbidden', 403, 'Forbidden', 'This route takes a member session token.');
  return principal.memberId;
}

export function assertScope(principal: Principal, route: RouteDefinition): void {
  if (route.scope === 'public') return;
  if (route.scope === 'me' || principal.role === 'me') return assertMemberRoute(principal, route);
  if (principal.role === 'admin') return;
  if (route.scope === 'admin' || !principal.scopes.includes(route.scope)) {
    throw new HttpProblem(
      'forbidden',
      403,
      'Forbidden',
      `This key lacks the ${route.scope === 'admin' ? 'admin role' : `"${route.scope}" scope`} this route needs.`,
    );
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes that are not UTF-8 are refused, never decoded with replacement characters (that loses data). */
function rawBody(event: APIGatewayProxyEvent): string {
  if (!event.body) return '';
  if (!event.isBase64Encoded) return event.body;
  try {
    return strictUtf8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw new HttpProblem('malformed-json', 400, 'Malformed JSON', 'The body is not valid UTF-8.');
  }
}

// With the u flag a surrogate pair reads as one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The first string (or key) holding a lone surrogate: JSON allows the escape, but no UTF-8 text
 * can store it. Walked with a stack of its own, not by recursion: a 64 KiB body can nest arrays
 * 32,768 deep, past what the call stack holds.
 */
function loneSurrogateAt(value: unknown, path: string): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value === 'string') {
      if (LONE_SURROGATE.test(next.value)) return next.path;
      continue;
    }
    if (!next.value || typeof next.value !== 'object') continue;
    // Pushed in reverse so that the first field is looked at first, as a reader would.
    for (const [key, item] of Object.entries(next.value).reverse()) {
      const at = `${next.path}.${key}`;
      if (LONE_SURROGATE.test(key)) return at;
      pending.push({ value: item, path: at });
    }
  }
  return undefined;
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
export function parseBody(
  event: APIGatewayProxyEvent,
  schema: z.ZodType | undefined,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const text = rawBody(event);
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new HttpProblem(
      'payload-too-large',
      413,
      'Payload too large',
      `Request bodies are limited to ${maxBytes} bytes.`,
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
    const badText = loneSurrogateAt(json, 'body');
    if (badText)
      throw new HttpProblem('validation-error', 400, 'Invalid request', 'Text must be valid Unicode.', [
        { path: badText, message: 'contains a lone surrogate (not valid Unicode)' },
      ]);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw validationProblem(result.error, 'body');
  return result.data;
}

/** Query values are text; a number in one must be written the one canonical way (no sign, spaces, hex or exponent). */
const CANONICAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;

function numberField(schema: z.ZodType): boolean {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    return numberField(schema.unwrap() as z.ZodType);
  return schema instanceof z.ZodNumber;
}

/**
 * API Gateway keeps every value of a repeated parameter in multiValueQueryStringParameters and
 * the last one in queryStringParameters: a repeated parameter is refused rather than guessed.
 * Numeric parameters take only canonical decimal integers (zod's coercion would take 0x10, 1e2, " 5").
 */
export function assertQueryShape(event: APIGatewayProxyEvent, schema: z.ZodType | undefined): void {
  const errors: { path: string; message: string }[] = [];
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
    if ((values?.length ?? 0) > 1) errors.push({ path: `query.${name}`, message: 'must be given at most once' });
  if (schema instanceof z.ZodObject) {
    for (const [name, field] of Object.entries<z.ZodType>(schema.shape)) {
      const value = event.queryStringParameters?.[name];
      if (value !== undefined && numberField(field) && !CANONICAL_INTEGER.test(value))
        errors.push({ path: `query.${name}`, message: 'must be a decimal integer' });
    }
  }
  if (errors.length > 0)
    throw new HttpProblem(
      'validation-error',
      400,
      'Invalid request',
      'The query string is not valid; see errors.',
      errors,
    );
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

/** The ETag of a versioned resource (the program): its version, quoted. */
export const entityTag = (version: number) => `"${version}"`;

/** An `If-Match` entity tag: the program version it names, and whether it was sent weak (`W/"4"`). */
export interface IfMatch {
  version: number;
  weak: boolean;
}

/**
 * `If-Match: "<version>"`, or a weak `W/"<version>"` (which RFC 9110's strong comparison never
 * matches: the use case answers 412). Absent → no precondition; anything else than one version
 * → 400 with the header's path.
 */
export function parseIfMatch(value: string | undefined): IfMatch | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(W\/)?"([1-9]\d{0,7})"\s*$/.exec(value);
  if (!match?.[2])
    throw new HttpProblem('validation-error', 400, 'Invalid request', 'If-Match must be one quoted program version.', [
      { path: 'headers.If-Match', message: 'must be a quoted version, e.g. "3"' },
    ]);
  return { version: Number(match[2]), weak: match[1] !== undefined };
}

import type * as z from 'zod';
import type { DomainErrorCode } from '@shared/domain/errors';
import type { Scope } from '@shared/schemas/admin';

/**
 * What a route is, and the functions that serve routes. The routes themselves are in
 * shared/http/function-routes/ (one module per function) and assembled in ./routes.ts. This
 * module builds no schema: the stack, the local server and every function may import it.
 */
export const functionNames = [
  'members',
  'points',
  'cashback',
  'rewards',
  'insights',
  'admin',
  'events',
  'imports',
  'me',
  'codes',
] as const;
export type FunctionName = (typeof functionNames)[number];
/**
 * Every Lambda entry point of functions/ (file name without .ts): the route functions, the
 * public one (health, OpenAPI, 404/405), the authorizer and the scheduled jobs. The stack,
 * the local server and the bundling test all take the list from here.
 */
export const entryPoints = [
  ...functionNames,
  'public',
  'authorizer',
  'metrics-job',
  'time-job',
  'event-fanout',
  'webhook-delivery',
  'import-worker',
] as const;
export type EntryName = (typeof entryPoints)[number];
/** `me`: the /v1/me routes, for a member session token only (never a key, not even an admin's). */
export type RouteScope = Scope | 'admin' | 'public' | 'me';

export type SuccessStatus = 200 | 201 | 202 | 204;

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  fn: FunctionName;
  scope: RouteScope;
  summary: string;
  /**
   * The Idempotency-Key header: required on POST and DELETE, absent elsewhere, unless the
   * route says otherwise (`optional`: PATCH; `none`: a POST that writes nothing, like a preview).
   */
  idempotencyKey?: 'optional' | 'none';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The route also takes an NDJSON body (Content-Type: application/x-ndjson) of up to this many bytes. */
  ndjsonBodyBytes?: number;
  /** A JSON body larger than the general 64 KiB is allowed, up to this many bytes (a pool upload). */
  maxBodyBytes?: number;
  /**
   * The success answers, by status: the one place a route's success status is stated (the answer
   * and the OpenAPI document take it from here). A route with several says how its answer chooses.
   */
  responses: Partial<Record<SuccessStatus, z.ZodType | null>>;
  /** What the operation does and when it refuses, for the document (the summary is its title). */
  description?: string;
  /**
   * The business-rule refusals (DomainError codes) its use case can raise. The document lists
   * their statuses and problem types beside the ones every route of its kind can answer.
   */
  errors?: readonly DomainErrorCode[];
  /** A request body the server accepts, shown in the document (checked against the schema by a test). */
  example?: unknown;
  /** Response headers of the success answer besides the protocol's (X-Request-Id, Idempotent-Replayed). */
  headers?: readonly 'ETag'[];
  /** The route takes an optional `If-Match` with the `ETag` a read answered (412 when it no longer matches). */
  ifMatch?: true;
}

import type { z } from 'zod';
import type { ProblemDetails } from './problems';
import { routes, type RouteDefinition, type RouteId, type Routes } from './routes';

/**
 * A typed client derived from the route table: a call names its route (so method and path
 * are right by construction) and its path parameters, query and body are typed from the same
 * zod schemas that validate them on the server, as is each success body. Simpler than
 * generating one from the document (the generators need an older TypeScript) and it cannot
 * drift from it; partners generate theirs from /openapi.json (the README).
 */
type InputOf<S> = S extends z.ZodType ? z.input<S> : never;
type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

type Success<R extends RouteDefinition> = {
  [Status in keyof R['responses'] & number]: { ok: true; status: Status; body: OutputOf<R['responses'][Status]> };
}[keyof R['responses'] & number];

export type ClientAnswer<R extends RouteDefinition> = (
  Success<R> | { ok: false; status: number; body: ProblemDetails & Record<string, unknown> }
) & {
  headers: Headers;
  /** The body exactly as received. */
  text: string;
  contentType: string | null;
};

export type CallInput<R extends RouteDefinition> = (R['params'] extends z.ZodType
  ? { params: InputOf<R['params']> }
  : { params?: never }) &
  (R['body'] extends z.ZodType ? { body: InputOf<R['body']> } : { body?: never }) & {
    query?: R['query'] extends z.ZodType ? InputOf<R['query']> : never;
    /** POST and DELETE: a fresh key unless given; null sends none. */
    idempotencyKey?: string | null;
    headers?: Record<string, string>;
    /** Sent instead of the JSON of `body` (to provoke malformed-JSON answers). */
    rawBody?: string;
  };

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
}

/** The concrete path of a route: its template with the parameters filled in (percent-encoded). */
export function pathOf(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

export function createClient(options: ClientOptions) {
  const send = options.fetch ?? fetch;
  return {
    async call<Id extends RouteId>(
      routeId: Id,
      input: CallInput<Routes[Id]>,
      as: { apiKey?: string } = {},
    ): Promise<ClientAnswer<Routes[Id]>> {
      const route: RouteDefinition = routes[routeId];
      const given = input as {
        params?: Record<string, string | number>;
        query?: Record<string, string | number | undefined>;
        body?: unknown;
      } & Pick<CallInput<RouteDefinition>, 'idempotencyKey' | 'headers' | 'rawBody'>;
      const url = new URL(pathOf(route.path, given.params), options.baseUrl);
      for (const [name, value] of Object.entries(given.query ?? {}))
        if (value !== undefined) url.searchParams.set(name, String(value));
      const headers: Record<string, string> = { ...given.headers };
      const apiKey = as.apiKey ?? options.apiKey;
      if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
      if ((route.method === 'POST' || route.method === 'DELETE') && given.idempotencyKey !== null)
        headers['Idempotency-Key'] = given.idempotencyKey ?? crypto.randomUUID();
      const body = given.rawBody ?? (given.body !== undefined ? JSON.stringify(given.body) : undefined);
      if (body !== undefined) headers['Content-Type'] ??= 'application/json';
      const response = await send(url, { method: route.method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      return {
        ok: response.ok,
        status: response.status,
        body: text ? (JSON.parse(text) as unknown) : undefined,
        headers: response.headers,
        text,
        contentType: response.headers.get('content-type'),
      } as ClientAnswer<Routes[Id]>;
    },
  };
}

export type Client = ReturnType<typeof createClient>;

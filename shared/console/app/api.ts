/**
 * The console's way to the API: same origin (the page is served by the API), the admin key from
 * this tab's session storage only, an Idempotency-Key on every POST and DELETE, and RFC 9457
 * problems turned into ApiProblem so pages can show each error at its field.
 */
const KEY_STORAGE = 'rewards-console:admin-key';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  signIn: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  signOut: () => sessionStorage.removeItem(KEY_STORAGE),
};

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiProblem';
  }
  get status(): number {
    return this.problem.status;
  }
  /** Field errors keyed by path without the `body.`/`query.` prefix: `tiers.1.name`. */
  fieldErrors(): Map<string, string> {
    const byPath = new Map<string, string>();
    for (const error of this.problem.errors ?? []) {
      const path = error.path.replace(/^(body|query|path|headers)\.?/, '');
      byPath.set(path, byPath.has(path) ? `${byPath.get(path)}; ${error.message}` : error.message);
    }
    return byPath;
  }
}

export interface ApiResult<T> {
  body: T;
  headers: Headers;
  status: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A body sent as is (NDJSON imports) with its content type. */
  raw?: { text: string; contentType: string };
  headers?: Record<string, string>;
  /** Another key than the session's (checking a key before keeping it). */
  key?: string;
  /** A request the API refuses on purpose (learning a key's scopes): no Idempotency-Key. */
  noIdempotencyKey?: boolean;
}

/** The API's base: the page is <base>/console, so the API is the page's directory. */
const apiBase = () => new URL('./', window.location.href);

export async function call<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const url = new URL(path.replace(/^\//, ''), apiBase());
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const key = options.key ?? session.key();
  if (key) headers.Authorization = `Bearer ${key}`;
  if ((method === 'POST' || method === 'DELETE') && !options.noIdempotencyKey)
    headers['Idempotency-Key'] = crypto.randomUUID();
  let body: string | undefined;
  if (options.raw) {
    body = options.raw.text;
    headers['Content-Type'] = options.raw.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  } catch {
    throw new ApiProblem({ type: 'about:blank', title: 'Network error', status: 0, detail: 'The API did not answer.' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a gateway's HTML error page): the status alone tells what happened.
  }
  if (!response.ok) {
    const problem = isProblem(parsed)
      ? parsed
      : { type: 'about:blank', title: response.statusText || 'Error', status: response.status };
    throw new ApiProblem(problem);
  }
  return { body: parsed as T, headers: response.headers, status: response.status };
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Follows nextCursor up to maxPages pages (the snapshots of a date range). */
export async function allPages<T>(
  path: string,
  query: Record<string, string | undefined>,
  maxPages = 20,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { body } = await call<Page<T>>('GET', path, { query: { ...query, limit: 100, cursor } });
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './errors';

/**
 * Page cursors are opaque to callers and tamper-evident: base64url of what the cursor pages
 * (the list and what it is bound to: the member, the query's filters) and the sort key to
 * continue after, then `.` and an HMAC-SHA256 of that text with the region's secret. A cursor
 * that was altered, forged, or made for another member or query is refused (400 on
 * `query.cursor`) before it reaches DynamoDB; and the partition is still rebuilt from the
 * request, so even a valid cursor can never open another member's data.
 */
interface CursorShape {
  l: string;
  b: string;
  k: string;
}

/**
 * Exactly `{ l, b, k }`, three strings and nothing else. Checked by hand, not with zod: every
 * function that pages imports this module, the authorizer too (through the partner items), and
 * zod would be ~80 KB of its bundle to parse at every cold start for these three fields.
 */
function isCursorShape(value: unknown): value is CursorShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { l, b, k } = value as Partial<Record<keyof CursorShape, unknown>>;
  return Object.keys(value).length === 3 && typeof l === 'string' && typeof b === 'string' && typeof k === 'string';
}

/** What a cursor pages: a list (`ledger`, `snapshots`…) bound to its member or query. */
export interface CursorScope {
  list: string;
  boundTo: string;
}

/** A bare list name is a list bound to nothing else (one per region: the catalog). */
const scopeOf = (scope: CursorScope | string): CursorScope =>
  typeof scope === 'string' ? { list: scope, boundTo: '' } : scope;

let processSecret: Buffer | undefined;

/**
 * CURSOR_SECRET: on AWS, a Secrets Manager secret of the region's stack given to the
 * functions that page; locally, random per start (or given). Without it outside Lambda (unit
 * and integration tests), a random secret per process. On Lambda it must be set: a secret
 * per instance would refuse the cursors other instances made.
 */
function secret(): Buffer {
  const configured = process.env.CURSOR_SECRET;
  if (configured) return Buffer.from(configured, 'utf8');
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('CURSOR_SECRET is not set');
  processSecret ??= randomBytes(32);
  return processSecret;
}

const sign = (payload: string) => createHmac('sha256', secret()).update(payload).digest();

export function encodeCursor(listOrScope: CursorScope | string, sortKey: string): string {
  const scope = scopeOf(listOrScope);
  const payload = Buffer.from(JSON.stringify({ l: scope.list, b: scope.boundTo, k: sortKey })).toString('base64url');
  return `${payload}.${sign(payload).toString('base64url')}`;
}

/** The sort key to continue after, when the cursor is genuine and was made for this scope. */
export function decodeCursor(cursor: string, listOrScope: CursorScope | string): string {
  const scope = scopeOf(listOrScope);
  const [payload, signature, ...rest] = cursor.split('.');
  if (payload && signature && rest.length === 0) {
    const expected = sign(payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        // Signed by us but not a cursor's shape: the same answer as any other bad cursor.
        if (isCursorShape(parsed) && parsed.l === scope.list && parsed.b === scope.boundTo) return parsed.k;
      } catch {
        // Not JSON: the same answer.
      }
    }
  }
  throw new InvalidCursorError(cursor);
}

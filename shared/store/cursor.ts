import * as z from 'zod';
import { InvalidCursorError } from './errors';

/**
 * Page cursors are opaque to callers: base64url of the list they belong to and the sort
 * key to continue after. Only the sort key is carried, and the partition is rebuilt from
 * the request, so a cursor can never open another member's data.
 */
const CursorShape = z.object({ l: z.string(), k: z.string() });

export function encodeCursor(list: string, sortKey: string): string {
  return Buffer.from(JSON.stringify({ l: list, k: sortKey })).toString('base64url');
}

export function decodeCursor(cursor: string, list: string): string {
  try {
    const parsed = CursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.l === list) return parsed.k;
  } catch {
    // Not base64url JSON of a cursor: the same answer as a cursor of another list.
  }
  throw new InvalidCursorError(cursor);
}

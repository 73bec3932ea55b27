import { formatInt, formatTime } from './format';

/** The most ledger entries one CSV holds (100 requests of 100): years of a daily buyer's ledger. */
export const LEDGER_EXPORT_MAX = 10_000;
const PAGE = 100;

/** A page of the API's ledger (the console's Page; typed here so the module needs no DOM and unit tests can run it). */
interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface LedgerRead<T> {
  /** The newest entries, newest first, at most `max`. */
  entries: T[];
  /** True when older entries exist that the export leaves out. */
  cut: boolean;
}

/**
 * Reads a member's ledger page by page, newest first, up to `max` entries. At the limit it asks
 * for one more entry, so "cut" means an older entry really exists (not merely a cursor).
 */
export async function readLedgerForExport<T>(
  readPage: (query: { limit: number; cursor?: string }) => Promise<Page<T>>,
  options: { max?: number; onProgress?: (read: number) => void } = {},
): Promise<LedgerRead<T>> {
  const max = options.max ?? LEDGER_EXPORT_MAX;
  const entries: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await readPage({ limit: Math.min(PAGE, max - entries.length), ...(cursor ? { cursor } : {}) });
    entries.push(...page.items);
    cursor = page.nextCursor;
    options.onProgress?.(entries.length);
  } while (cursor && entries.length < max);
  if (!cursor) return { entries, cut: false };
  const beyond = await readPage({ limit: 1, cursor });
  return { entries, cut: beyond.items.length > 0 };
}

/** What the console says after an export: plainly whether the file holds the whole ledger, and where it stops. */
export function ledgerExportMessage(read: LedgerRead<{ createdAt: string }>, max = LEDGER_EXPORT_MAX): string {
  const count = read.entries.length;
  const oldest = read.entries[count - 1];
  if (!read.cut || !oldest)
    return `Exported the whole ledger: ${formatInt(count)} ${count === 1 ? 'entry' : 'entries'}.`;
  return (
    `The CSV is cut: it holds the newest ${formatInt(count)} entries, back to ${formatTime(oldest.createdAt)} ` +
    `(the console exports at most ${formatInt(max)}). Older entries are not in it; the API's ledger ` +
    '(GET /v1/members/{memberId}/transactions) pages on past them.'
  );
}

import { describe, expect, it } from 'vitest';
import { formatTime } from '@shared/console/app/format';
import { LEDGER_EXPORT_MAX, ledgerExportMessage, readLedgerForExport } from '@shared/console/app/ledger-export';

/** A ledger of `size` entries, newest first, read as the API pages it (cursor = index of the next entry). */
function ledger(size: number, options: { cursorAtEnd?: boolean } = {}) {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const entries = Array.from({ length: size }, (_, i) => ({
    transactionId: `txn_${i}`,
    createdAt: new Date(start + (size - i) * 60_000).toISOString(),
  }));
  const asked: { limit: number; cursor?: string }[] = [];
  const readPage = (query: {
    limit: number;
    cursor?: string;
  }): Promise<{ items: typeof entries; nextCursor?: string }> => {
    asked.push(query);
    const from = query.cursor ? Number(query.cursor) : 0;
    const items = entries.slice(from, from + query.limit);
    const next = from + items.length;
    // Some lists answer a cursor on their last full page: the next read is empty.
    const more = next < size || (options.cursorAtEnd === true && items.length === query.limit);
    return Promise.resolve(more ? { items, nextCursor: String(next) } : { items });
  };
  return { entries, readPage, asked };
}

describe("the console's ledger export", () => {
  it('holds a whole ledger below the limit and says so', async () => {
    const { readPage, entries } = ledger(250);
    const progress: number[] = [];
    const read = await readLedgerForExport(readPage, { onProgress: (n) => progress.push(n) });
    expect(read.entries).toEqual(entries);
    expect(read.cut).toBe(false);
    expect(progress).toEqual([100, 200, 250]);
    expect(ledgerExportMessage(read)).toBe('Exported the whole ledger: 250 entries.');
  });

  it('is not cut at exactly the limit, even when the list answers a cursor on its last page', async () => {
    const { readPage, asked } = ledger(LEDGER_EXPORT_MAX, { cursorAtEnd: true });
    const read = await readLedgerForExport(readPage);
    expect(read.entries).toHaveLength(LEDGER_EXPORT_MAX);
    expect(read.cut).toBe(false);
    expect(asked.at(-1)).toEqual({ limit: 1, cursor: String(LEDGER_EXPORT_MAX) });
    expect(ledgerExportMessage(read)).toBe('Exported the whole ledger: 10,000 entries.');
  });

  it('says plainly that the file is cut past the limit, and at which entry it stops', async () => {
    const { readPage, entries, asked } = ledger(LEDGER_EXPORT_MAX + 1);
    const read = await readLedgerForExport(readPage);
    expect(read.entries).toEqual(entries.slice(0, LEDGER_EXPORT_MAX));
    expect(read.cut).toBe(true);
    expect(asked.every((query) => query.limit <= 100)).toBe(true);
    const oldestIncluded = entries[LEDGER_EXPORT_MAX - 1]!.createdAt;
    const message = ledgerExportMessage(read);
    expect(message).toContain('The CSV is cut: it holds the newest 10,000 entries');
    expect(message).toContain(`back to ${formatTime(oldestIncluded)}`);
    expect(message).toContain('Older entries are not in it');
  });

  it('asks for no more than the limit when it is not a multiple of a page', async () => {
    const { readPage, asked } = ledger(500);
    const read = await readLedgerForExport(readPage, { max: 150 });
    expect(read.entries).toHaveLength(150);
    expect(asked.map((query) => query.limit)).toEqual([100, 50, 1]);
    expect(ledgerExportMessage(read, 150)).toContain('(the console exports at most 150)');
  });

  it('an empty ledger is a whole one', async () => {
    const read = await readLedgerForExport(ledger(0).readPage);
    expect(ledgerExportMessage(read)).toBe('Exported the whole ledger: 0 entries.');
  });
});

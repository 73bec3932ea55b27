import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DirectoryImportFiles } from '@infra/local/imports';
import { runImportInProcess, type BusyRetry } from '@shared/app/jobs/import-worker';
import { getImport } from '@shared/app/reads/import-reads';
import { createImport } from '@shared/app/start-import';
import { executeOnce } from '@shared/app/support/execute';
import { useStore, type StoreConfig } from '@shared/store/client';
import { useImportFiles } from '@shared/store/import-files';
import { memberIdForExternalId } from '@shared/store/items/external-id';
import { findImport } from '@shared/store/items/import';
import { throttled, withFaults } from '../support/faults';
import { useFreshTable } from '../support/table';

const admin = { partnerId: 'test-admin', now: () => new Date() };
/** The engine's retry, with pauses of milliseconds instead of seconds. */
const quick: BusyRetry = { attempts: 6, firstDelayMs: 5, backoffRate: 2, maxDelayMs: 50 };
const run = { lineRetry: quick, chunkRetry: quick };

let table: StoreConfig;
beforeEach(async () => {
  table = await useFreshTable();
  useImportFiles(new DirectoryImportFiles(await mkdtemp(join(tmpdir(), 'import-faults-'))));
});

const memberLine = (n: number) =>
  JSON.stringify({
    kind: 'member',
    externalId: `faulty-${n}`,
    points: 10,
    consent: { marketing: false, analytics: false },
  });

async function startImport(lines: string[]): Promise<{ importId: string; fileKey: string }> {
  const created = await executeOnce(createImport({ ndjson: new TextEncoder().encode(lines.join('\n')) }), admin);
  const state = await findImport(created.importId);
  if (!state) throw new Error('import not stored');
  return { importId: created.importId, fileKey: state.fileKey };
}

describe('the local bulk import under a busy database', () => {
  it('retries throttled writes with backoff and ends done with every line applied', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => memberLine(i));
    const { importId, fileKey } = await startImport(lines);
    const busy = withFaults(table, [{ command: 'TransactWriteCommand', after: 5, count: 12, error: throttled }]);
    useStore(busy);
    expect(await runImportInProcess(importId, fileKey, run)).toBe('done');
    useStore(table);
    expect(busy.injected).toBe(12);
    expect(await getImport(importId)).toMatchObject({ status: 'done', processed: 40, succeeded: 40, failed: 0 });
    expect(await memberIdForExternalId('faulty-39')).toBeDefined();
  });

  it('stops as failed with a stopReason that says why and that running it again is safe; running it again finishes it', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => memberLine(i));
    const { importId, fileKey } = await startImport(lines);
    // Some lines commit, then the database refuses everything for longer than every retry.
    useStore(withFaults(table, [{ command: 'TransactWriteCommand', after: 10, count: 100_000, error: throttled }]));
    expect(await runImportInProcess(importId, fileKey, run)).toBe('stopped');
    useStore(table);
    const stopped = await getImport(importId);
    expect(stopped).toMatchObject({ status: 'failed' });
    expect(stopped.stopReason).toMatch(/too busy/);
    expect(stopped.stopReason).toMatch(/Running the same file again is safe/);
    expect(await memberIdForExternalId('faulty-0')).toBeDefined();

    expect(await runImportInProcess(importId, fileKey, run)).toBe('done');
    const done = await getImport(importId);
    expect(done).toMatchObject({ status: 'done', processed: 30, succeeded: 30, failed: 0 });
    expect(done).not.toHaveProperty('stopReason');
  });

  it('counts an import that processed every line as done, with its bad lines, however many were bad', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? memberLine(i) : '{"kind":"member"}'));
    const { importId, fileKey } = await startImport(lines);
    expect(await runImportInProcess(importId, fileKey, run)).toBe('done');
    expect(await getImport(importId)).toMatchObject({ status: 'done', processed: 10, succeeded: 5, failed: 5 });
  });
});

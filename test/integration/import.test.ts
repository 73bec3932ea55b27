import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirectoryImportFiles } from '@infra/local/imports';
import { runImportInProcess } from '@shared/app/jobs/import-worker';
import { createImport } from '@shared/app/start-import';
import { executeOnce } from '@shared/app/support/execute';
import { mapWithConcurrency } from '@shared/store/activity';
import { useImportFiles } from '@shared/store/import-files';
import { memberIdForExternalId } from '@shared/store/items/external-id';
import { findImport, listLineErrors } from '@shared/store/items/import';
import { findMember } from '@shared/store/items/member';
import { findOrder } from '@shared/store/items/order';
import { queryAll } from '@shared/store/query';
import { importFile, type ImportFile } from '../support/import-file';
import { useFreshTable } from '../support/table';

const admin = { partnerId: 'test-admin', now: () => new Date() };
/** 10,000 transactions on DynamoDB Local: minutes on a busy 2-core machine (no speed is asserted here). */
const LONG = 900_000;

async function startImport(text: string): Promise<{ importId: string; fileKey: string }> {
  const created = await executeOnce(createImport({ ndjson: new TextEncoder().encode(text) }), admin);
  const state = await findImport(created.importId);
  if (!state) throw new Error('import not stored');
  return { importId: created.importId, fileKey: state.fileKey };
}

/** What the table holds for the file's members: one member per external id, its ledger, its orders. */
async function snapshotOf(file: ImportFile) {
  const members = await mapWithConcurrency(file.members, 16, async ({ externalId }) => {
    const memberId = await memberIdForExternalId(externalId);
    if (!memberId) return { externalId, missing: true };
    const [member, ledger] = await Promise.all([
      findMember(memberId),
      queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tx)',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}`, ':tx': 'TX#' },
      }),
    ]);
    return {
      externalId,
      memberId,
      version: member?.version,
      points: member?.points.balance,
      cashback: member?.cashback.available,
      purchases: member?.purchases.count,
      ledger: ledger.map((entry) => ({ type: entry.type, points: entry.points, reason: entry.reason })),
    };
  });
  return members;
}

describe('bulk import of 10,000 lines with 1 % bad lines', () => {
  let file: ImportFile;
  let first: { importId: string; fileKey: string };
  beforeAll(async () => {
    await useFreshTable();
    useImportFiles(new DirectoryImportFiles(await mkdtemp(join(tmpdir(), 'import-test-'))));
    file = importFile({ lines: Number(process.env.IMPORT_TEST_LINES ?? 10_000), badEvery: 100, purchaseShare: 0.2 });
    first = await startImport(file.text);
  });

  it(
    'imports exactly once when the worker is killed midway and the import is resumed',
    async () => {
      const killer = new AbortController();
      const killed = await runImportInProcess(first.importId, first.fileKey, {
        signal: killer.signal,
        onChunkDone: (done) => {
          if (done === 15) killer.abort();
        },
      });
      expect(killed).toBe('aborted');
      const midway = await findImport(first.importId);
      expect(midway).toMatchObject({ status: 'running', lines: 10_000 });
      expect(midway?.processed).toBeGreaterThan(0);
      expect(midway?.processed).toBeLessThan(10_000);

      expect(await runImportInProcess(first.importId, first.fileKey)).toBe('done');
      const state = await findImport(first.importId);
      expect(state).toMatchObject({ status: 'done', lines: 10_000, processed: 10_000, failed: 100, succeeded: 9_900 });
      expect(state?.startedAt).toBeDefined();
      expect(state?.finishedAt).toBeDefined();

      const members = await snapshotOf(file);
      const purchasesPerMember = new Map<string, number>();
      for (const p of file.purchases)
        purchasesPerMember.set(p.externalId, (purchasesPerMember.get(p.externalId) ?? 0) + 1);
      for (const [index, member] of members.entries()) {
        const expected = file.members[index]!;
        expect(member).toMatchObject({
          externalId: expected.externalId,
          points: expected.points,
          cashback: expected.cashback,
          purchases: purchasesPerMember.get(expected.externalId) ?? 0,
        });
        // ONE adjustment (reason import) when there was a balance to carry over, nothing else: no bonus, no earn.
        expect(member.ledger).toEqual(
          expected.points > 0 || expected.cashback > 0
            ? [{ type: 'adjustment', points: expected.points, reason: 'import' }]
            : [],
        );
      }
      const sample = file.purchases[17]!;
      const memberId = await memberIdForExternalId(sample.externalId);
      expect(await findOrder(memberId!, sample.orderId)).toMatchObject({ amount: sample.amount, refunded: 0 });
      expect((await findOrder(memberId!, sample.orderId))?.points).toBeUndefined();
    },
    LONG,
  );

  it(
    'reports each bad line with its number and the path of the field at fault',
    async () => {
      const errors = [];
      let cursor: string | undefined;
      do {
        const page = await listLineErrors(first.importId, 100, cursor);
        errors.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(errors.map((e) => e.line)).toEqual([...file.bad.keys()]);
      for (const error of errors) {
        const expected = file.bad.get(error.line);
        if (expected === 'malformed-json') expect(error.problem.code).toBe('malformed-json');
        else expect(error.problem.errors?.map((e) => e.path)).toContain(expected);
      }
    },
    LONG,
  );

  it(
    'a re-run of the same file changes nothing',
    async () => {
      const before = await snapshotOf(file);
      const again = await startImport(file.text);
      expect(await runImportInProcess(again.importId, again.fileKey)).toBe('done');
      expect(await findImport(again.importId)).toMatchObject({ status: 'done', processed: 10_000, failed: 100 });
      expect(await snapshotOf(file)).toEqual(before);
    },
    LONG,
  );
});

describe('an import with too many bad lines', () => {
  it(
    'stops early as failed, without reading the rest',
    async () => {
      await useFreshTable();
      useImportFiles(new DirectoryImportFiles(await mkdtemp(join(tmpdir(), 'import-test-'))));
      const file = importFile({ lines: 2_000, badEvery: 3, purchaseShare: 0 });
      const started = await startImport(file.text);
      expect(await runImportInProcess(started.importId, started.fileKey, { chunkConcurrency: 1 })).toBe('stopped');
      const state = await findImport(started.importId);
      expect(state).toMatchObject({ status: 'failed', stopReason: 'too-many-bad-lines' });
      expect(state?.processed).toBeLessThan(2_000);
      // Final: running it again does not resume it.
      expect(await runImportInProcess(started.importId, started.fileKey)).toBe('stopped');
    },
    LONG,
  );
});

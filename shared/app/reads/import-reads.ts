import { DomainError } from '@shared/domain/errors';
import { stopReasonText } from '@shared/domain/import';
import { findImport, listImportStates, listLineErrors, type ImportState } from '@shared/store/items/import';

/** An import's progress as the API shows it (checkpoints and file location stay inside). */
export function importView(state: ImportState) {
  return {
    importId: state.importId,
    status: state.status,
    lines: state.lines,
    processed: state.processed,
    succeeded: state.succeeded,
    failed: state.failed,
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
    ...(state.status === 'failed' && state.stopReason ? { stopReason: stopReasonText(state.stopReason) } : {}),
  };
}

async function existingImport(importId: string): Promise<ImportState> {
  const state = await findImport(importId);
  if (!state) throw new DomainError('import-not-found', `No import ${importId}.`);
  return state;
}

export async function getImport(importId: string) {
  return importView(await existingImport(importId));
}

/** The imports, newest first, a page at a time, each with its progress (and why it stopped). */
export async function listImports(page: { limit: number; cursor?: string | undefined }) {
  const found = await listImportStates(page.limit, page.cursor);
  return { ...found, items: found.items.map(importView) };
}

/** The bad lines of an import, in line order, a page at a time. */
export async function listImportErrors(importId: string, page: { limit: number; cursor?: string | undefined }) {
  await existingImport(importId);
  return listLineErrors(importId, page.limit, page.cursor);
}

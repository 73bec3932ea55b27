import { planChunks } from '@shared/domain/import';
import { newImportId } from '@shared/ids';
import { importEngine } from '@shared/store/import-engine';
import { importFiles, INLINE_PREFIX, UPLOAD_PREFIX, UPLOAD_URL_SECONDS } from '@shared/store/import-files';
import { findImport, importListingPut, newImportPut } from '@shared/store/items/import';
import { outcome, type UseCase } from './support/outcome';

export interface CreatedImport {
  importId: string;
  status: 'waiting';
  upload?: { url: string; expiresAt: string; headers: Record<string, string> };
}

/** The file's key from the import id: what the worker and, on AWS, the upload event derive it from. */
export const fileKeyOf = (importId: string, source: 'inline' | 'upload') =>
  `${source === 'inline' ? INLINE_PREFIX : UPLOAD_PREFIX}${importId}.ndjson`;

/** The import id from an uploaded file's key (the S3 event names only the key). */
export function importIdOfKey(key: string): string {
  const match = /^(?:imports|uploads)\/(imp_[A-Za-z0-9]+)\.ndjson$/.exec(key);
  if (!match?.[1]) throw new Error(`${key} is not the key of an import file`);
  return match[1];
}

/**
 * Creates an import: an NDJSON body is stored as the import's file at once (it runs when
 * `launchImport` starts it); `{ upload: true, size }` answers where to PUT a larger file of that
 * size, once (the URL refuses another size and a second PUT), which runs when it lands. The import item is written with the idempotency record, so a retried POST
 * answers the same import.
 */
export function createImport(request: { ndjson: Uint8Array } | { upload: true; size: number }): UseCase<CreatedImport> {
  return async (caller) => {
    const importId = newImportId();
    const source = 'ndjson' in request ? 'inline' : 'upload';
    const fileKey = fileKeyOf(importId, source);
    let lines = 0;
    let upload: CreatedImport['upload'];
    if ('ndjson' in request) {
      // Stored before the item exists: a file nobody refers to is harmless (deleted after 7 days).
      await importFiles().put(fileKey, request.ndjson);
      lines = planChunks(request.ndjson, 1).lines;
    } else {
      const expiresAt = new Date(caller.now().getTime() + UPLOAD_URL_SECONDS * 1000);
      const url = await importFiles().uploadUrl(fileKey, expiresAt, request.size);
      upload = { ...url, expiresAt: expiresAt.toISOString() };
    }
    return (now) =>
      outcome<CreatedImport>(
        { importId, status: 'waiting', ...(upload ? { upload } : {}) },
        {
          writes: [
            {
              item: newImportPut({
                importId,
                status: 'waiting',
                fileKey,
                createdBy: caller.partnerId,
                createdAt: now.toISOString(),
                lines,
                processed: 0,
                succeeded: 0,
                failed: 0,
              }),
            },
            { item: importListingPut(importId, now.toISOString()) },
          ],
          audit: {
            kind: 'import.started',
            target: `import:${importId}`,
            summary: `Import ${importId} started (${'ndjson' in request ? `${lines} lines` : `upload of ${request.size} bytes`})`,
          },
        },
      );
  };
}

/**
 * Hands a waiting import's file to the engine. Called after the POST of an inline file (and
 * again on its replay, which heals a start that failed) and, locally, when an upload lands.
 * Starting twice is harmless: the engine starts an import once.
 */
export async function launchImport(importId: string): Promise<void> {
  const state = await findImport(importId);
  if (state?.status !== 'waiting') return;
  await importEngine().start(importId, state.fileKey);
}

import { replaceable } from '@shared/adapters/replaceable';
import { startExecutionOnce } from '@shared/adapters/step-functions';

/**
 * What runs an import's file once it is stored: the Step Functions state machine on AWS
 * (env IMPORT_STATE_MACHINE_ARN), an in-process runner locally (infra/local). Starting is
 * idempotent: the execution is named after the import, so a second start of the same
 * import is a no-op.
 */
export interface ImportEngine {
  start(importId: string, fileKey: string): Promise<void>;
}

const engine = replaceable<ImportEngine>(() => {
  const arn = process.env.IMPORT_STATE_MACHINE_ARN;
  const bucket = process.env.IMPORT_BUCKET;
  if (!arn || !bucket) throw new Error('IMPORT_STATE_MACHINE_ARN and IMPORT_BUCKET must be set');
  return { start: (importId, fileKey) => startExecutionOnce(arn, importId, { bucket, key: fileKey }) };
});

export const importEngine = engine.get;
export const useImportEngine = engine.use;

import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * What runs an import's file once it is stored: the Step Functions state machine on AWS
 * (env IMPORT_STATE_MACHINE_ARN), an in-process runner locally (infra/local). Starting is
 * idempotent: the execution is named after the import, so a second start of the same
 * import is a no-op.
 */
export interface ImportEngine {
  start(importId: string, fileKey: string): Promise<void>;
}

class StepFunctionsEngine implements ImportEngine {
  private readonly sfn = new SFNClient({});
  constructor(
    private readonly stateMachineArn: string,
    private readonly bucket: string,
  ) {}

  async start(importId: string, fileKey: string): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: importId,
          input: JSON.stringify({ bucket: this.bucket, key: fileKey }),
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    }
  }
}

let current: ImportEngine | undefined;

export function importEngine(): ImportEngine {
  if (current) return current;
  const arn = process.env.IMPORT_STATE_MACHINE_ARN;
  const bucket = process.env.IMPORT_BUCKET;
  if (!arn || !bucket) throw new Error('IMPORT_STATE_MACHINE_ARN and IMPORT_BUCKET must be set');
  current = new StepFunctionsEngine(arn, bucket);
  return current;
}

export function useImportEngine(engine: ImportEngine | undefined): void {
  current = engine;
}

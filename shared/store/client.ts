import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '@shared/observability';
import { withTimeouts } from './timeouts';

export interface StoreConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

let current: StoreConfig | undefined;

function fromEnvironment(): StoreConfig {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const base = new DynamoDBClient({
    ...(endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: 3,
  });
  const client = DynamoDBDocumentClient.from(endpoint ? base : tracer.captureAWSv3Client(base), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return withTimeouts({ client, tableName });
}

/** The one document client of the process (traced on AWS). */
export function store(): StoreConfig {
  current ??= fromEnvironment();
  return current;
}

/**
 * Tests point the store at their own table, or at a client wrapper that injects faults.
 * Whatever client is given, its calls get the timeouts and the request deadline.
 */
export function useStore(config: StoreConfig | undefined): void {
  current = config && withTimeouts(config);
}

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import { createTable, localDocumentClient } from '@infra/local/dynamodb';
import { ProgramRules } from '@shared/schemas/program';
import { useStore, type StoreConfig } from '@shared/store/client';
import { forgetCachedProgram } from '@shared/store/program';
import { forgetCachedRaffles } from '@shared/store/raffles';

/**
 * A new, empty table on the shared DynamoDB Local, made the store of this test file.
 * `program` overrides the default program (version 1) for this table.
 */
export async function useFreshTable(program: Partial<ProgramRules> = {}): Promise<StoreConfig & { endpoint: string }> {
  const endpoint = inject('dynamoDbEndpoint');
  const tableName = `test-${randomUUID()}`;
  await createTable(endpoint, tableName);
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.DEFAULT_PROGRAM = JSON.stringify(ProgramRules.parse({ ...defaultProgram, ...program }));
  forgetCachedProgram();
  forgetCachedRaffles();
  const config = { client: localDocumentClient(endpoint), tableName };
  useStore(config);
  return { ...config, endpoint };
}

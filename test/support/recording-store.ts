import type { StoreConfig } from '@shared/store/client';
import { tableDefinition } from '@shared/store/table';
import type { TableRequest } from './iam';

/**
 * A document client that forwards every request to the real DynamoDB Local and records it as IAM
 * sees it: one entry per item action (a TransactWriteItems of four items is four actions, a
 * BatchGetItem names every key), with the partition keys it names and who sent it (`label`).
 * A command it does not know is recorded as `unknown:<name>`, so the checks fail instead of skipping it.
 */
export interface RecordedRequest extends TableRequest {
  label: string;
  command: string;
}

type Key = Record<string, unknown>;
type Input = Record<string, unknown>;

const partitionOf = (key: Key | undefined) => String(key?.[tableDefinition.partitionKey]);

function queryPartition(input: Input): { resource: string; partition: string } {
  const indexName = input.IndexName as string | undefined;
  const index = tableDefinition.globalSecondaryIndexes.find((candidate) => candidate.indexName === indexName);
  const partitionKey = index ? index.partitionKey : tableDefinition.partitionKey;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const match of String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1]?.startsWith('#') ? names[match[1]] : match[1];
    if (name === partitionKey)
      return { resource: indexName ? `index/${indexName}` : 'table', partition: String(values[match[2] ?? '']) };
  }
  throw new Error(`No partition key equality in ${String(input.KeyConditionExpression)}`);
}

function requestsOf(command: string, input: Input): TableRequest[] {
  const one = (action: string, key: Key | undefined): TableRequest => ({
    action: `dynamodb:${action}`,
    resource: 'table',
    partitions: [partitionOf(key)],
  });
  switch (command) {
    case 'GetCommand':
      return [one('GetItem', input.Key as Key)];
    case 'PutCommand':
      return [one('PutItem', input.Item as Key)];
    case 'UpdateCommand':
      return [one('UpdateItem', input.Key as Key)];
    case 'DeleteCommand':
      return [one('DeleteItem', input.Key as Key)];
    case 'QueryCommand': {
      const { resource, partition } = queryPartition(input);
      return [{ action: 'dynamodb:Query', resource, partitions: [partition] }];
    }
    case 'ScanCommand':
      // A Scan names no partition: IAM scopes it by the table alone.
      return [{ action: 'dynamodb:Scan', resource: 'table', partitions: [] }];
    case 'BatchGetCommand': {
      const tables = Object.values(input.RequestItems as Record<string, { Keys: Key[] }>);
      return [
        {
          action: 'dynamodb:BatchGetItem',
          resource: 'table',
          partitions: tables.flatMap((t) => t.Keys.map(partitionOf)),
        },
      ];
    }
    case 'TransactWriteCommand':
      return (input.TransactItems as Record<string, Input>[]).map((item) => {
        if (item.Put) return one('PutItem', item.Put.Item as Key);
        if (item.Update) return one('UpdateItem', item.Update.Key as Key);
        if (item.Delete) return one('DeleteItem', item.Delete.Key as Key);
        if (item.ConditionCheck) return one('ConditionCheckItem', item.ConditionCheck.Key as Key);
        return { action: 'unknown:TransactItem', resource: 'table', partitions: [] };
      });
    case 'BatchWriteCommand': {
      const tables = Object.values(input.RequestItems as Record<string, Input[]>);
      return tables.flat().map((request) => ({
        action: 'dynamodb:BatchWriteItem',
        resource: 'table',
        partitions: [
          partitionOf(((request.PutRequest as Input)?.Item ?? (request.DeleteRequest as Input)?.Key) as Key),
        ],
      }));
    }
    default:
      return [{ action: `unknown:${command}`, resource: 'table', partitions: [] }];
  }
}

export interface RecordingStore extends StoreConfig {
  requests: RecordedRequest[];
  /** Everything sent while `run` runs is recorded under `label` (calls must not overlap). */
  as: <T>(label: string, run: () => Promise<T>) => Promise<T>;
}

export function recordingStore(store: StoreConfig): RecordingStore {
  const requests: RecordedRequest[] = [];
  let label = '(none)';
  const client = new Proxy(store.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: { constructor: { name: string }; input: Input }) => {
        const name = command.constructor.name;
        for (const request of requestsOf(name, command.input)) requests.push({ ...request, label, command: name });
        return (await target.send(command as never)) as unknown;
      };
    },
  });
  return {
    client,
    tableName: store.tableName,
    requests,
    async as(next, run) {
      const previous = label;
      label = next;
      try {
        return await run();
      } finally {
        label = previous;
      }
    },
  };
}
